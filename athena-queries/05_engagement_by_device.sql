-- Engagement by device: sessions, events per session and conversion per device type (bots excluded).
SELECT device_type,
       count(DISTINCT session_id) AS sessions,
       round(CAST(count(*) AS double) / count(DISTINCT session_id), 2) AS events_per_session,
       count(DISTINCT CASE WHEN event_type = 'purchase' THEN session_id END) AS converting_sessions,
       round(100.0 * count(DISTINCT CASE WHEN event_type = 'purchase' THEN session_id END) / count(DISTINCT session_id), 2) AS conversion_pct
FROM clickstream_events
WHERE NOT is_bot
GROUP BY device_type
ORDER BY sessions DESC
