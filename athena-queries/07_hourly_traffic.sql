-- Hourly traffic: events, sessions and revenue per hour of day (UTC), to see the daily curve.
SELECT hour,
       count(*) AS events,
       approx_distinct(session_id) AS sessions,
       sum(revenue) AS revenue
FROM clickstream_events
GROUP BY hour
ORDER BY hour
