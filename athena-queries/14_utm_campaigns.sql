-- UTM campaigns: sessions, conversions and revenue attributed to the campaign of the session's landing page.
WITH landing AS (
    SELECT session_id,
           min_by(utm_source, event_timestamp) FILTER (WHERE utm_source IS NOT NULL) AS utm_source,
           min_by(utm_medium, event_timestamp) FILTER (WHERE utm_medium IS NOT NULL) AS utm_medium,
           min_by(utm_campaign, event_timestamp) FILTER (WHERE utm_campaign IS NOT NULL) AS utm_campaign,
           sum(revenue) AS revenue,
           max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS converted
    FROM clickstream_events
    GROUP BY session_id
)
SELECT coalesce(utm_source, '(direct/referral)') AS utm_source,
       coalesce(utm_medium, '-') AS utm_medium,
       coalesce(utm_campaign, '-') AS utm_campaign,
       count(*) AS sessions,
       sum(converted) AS conversions,
       round(100.0 * sum(converted) / count(*), 2) AS conversion_pct,
       sum(revenue) AS revenue
FROM landing
GROUP BY 1, 2, 3
ORDER BY sessions DESC
