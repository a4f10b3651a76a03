-- Browsers: browser family, OS and device class from the user agents, with bot traffic shown apart.
SELECT coalesce(browser, 'unknown') AS browser,
       coalesce(os, 'unknown') AS os,
       device_type,
       is_bot,
       count(*) AS events,
       approx_distinct(user_id) AS users
FROM clickstream_events
GROUP BY 1, 2, 3, 4
ORDER BY events DESC
LIMIT 25
