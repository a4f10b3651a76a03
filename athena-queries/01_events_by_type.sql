-- Events by type: how many events of each type, and from how many users and sessions.
SELECT event_type,
       count(*) AS events,
       -- user_id_hash stands in for user_id where user_id is pseudonymised (pii.pseudonym-fields).
       approx_distinct(coalesce(user_id, user_id_hash)) AS users,
       approx_distinct(session_id) AS sessions
FROM clickstream_events
GROUP BY event_type
ORDER BY events DESC
