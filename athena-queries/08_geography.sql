-- Geography: events, users and revenue by country and city.
SELECT country,
       city,
       count(*) AS events,
       approx_distinct(user_id) AS users,
       sum(revenue) AS revenue
FROM clickstream_events
GROUP BY country, city
ORDER BY revenue DESC, events DESC
LIMIT 25
