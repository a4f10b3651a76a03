-- Browsers: browser family, OS and device class from the user agents, with bot traffic shown apart.
SELECT coalesce(browser, 'unknown') AS browser,
       coalesce(os, 'unknown') AS os,
       device_type,
       is_bot,
       count(*) AS events,
       -- user_id_hash stands in for user_id where user_id is pseudonymised (pii.pseudonym-fields).
       approx_distinct(coalesce(user_id, user_id_hash)) AS users
FROM clickstream_events
GROUP BY 1, 2, 3, 4
ORDER BY events DESC, 1, 2, 3, 4
LIMIT 25
