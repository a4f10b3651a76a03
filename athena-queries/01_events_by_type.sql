-- Events by type: how many events of each type, and from how many users and sessions.
SELECT event_type,
       count(*) AS events,
       approx_distinct(user_id) AS users,
       approx_distinct(session_id) AS sessions
FROM clickstream_events
GROUP BY event_type
ORDER BY events DESC
