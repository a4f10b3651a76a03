-- Sessions: how long sessions last, how many events they have, and the bounce rate (single-event sessions).
WITH sessions AS (
    SELECT session_id,
           count(*) AS events,
           date_diff('second', min(event_timestamp), max(event_timestamp)) AS seconds
    FROM clickstream_events
    WHERE NOT is_bot
    GROUP BY session_id
)
SELECT count(*) AS sessions,
       round(avg(events), 2) AS avg_events_per_session,
       approx_percentile(events, 0.5) AS median_events,
       round(avg(seconds) / 60.0, 1) AS avg_minutes,
       approx_percentile(seconds, 0.9) AS p90_seconds,
       -- NULLIF: no sessions yet (an empty lake) is no bounce rate, not a division by zero.
       round(100.0 * count_if(events = 1) / NULLIF(count(*), 0), 2) AS bounce_rate_pct
FROM sessions
