-- UTM campaigns: sessions, conversions and revenue attributed to the campaign of the session's landing page (bots left out).
WITH sessions AS (
    SELECT session_id,
           -- The landing page's parameters, all three from that one event: a later page tagged with
           -- UTM (an internal banner) does not move the session to its campaign.
           min_by(ROW(utm_source, utm_medium, utm_campaign), event_timestamp) AS landing,
           sum(revenue) AS revenue,
           max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS converted
    FROM clickstream_events
    WHERE NOT is_bot
    GROUP BY session_id
)
SELECT coalesce(landing[1], '(direct/referral)') AS utm_source,
       coalesce(landing[2], '-') AS utm_medium,
       coalesce(landing[3], '-') AS utm_campaign,
       count(*) AS sessions,
       sum(converted) AS conversions,
       round(100.0 * sum(converted) / count(*), 2) AS conversion_pct,
       sum(revenue) AS revenue
FROM sessions
GROUP BY 1, 2, 3
ORDER BY sessions DESC, 1, 2, 3
