-- Geography: events, users and revenue by country and city.
SELECT country,
       city,
       count(*) AS events,
       -- user_id_hash stands in for user_id where user_id is pseudonymised (pii.pseudonym-fields).
       approx_distinct(coalesce(user_id, user_id_hash)) AS users,
       sum(revenue) AS revenue
FROM clickstream_events
GROUP BY country, city
ORDER BY revenue DESC, events DESC, country, city
LIMIT 25
