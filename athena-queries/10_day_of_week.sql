-- Day of week: average daily events and revenue per weekday (UTC), Monday first.
WITH daily AS (
    SELECT event_date, day_of_week, count(*) AS events, sum(revenue) AS revenue
    FROM clickstream_events
    GROUP BY event_date, day_of_week
)
SELECT day_of_week,
       count(*) AS days,
       round(avg(events), 1) AS avg_events,
       round(avg(revenue), 2) AS avg_revenue
FROM daily
GROUP BY day_of_week
ORDER BY min(day_of_week(event_date))
