-- Daily revenue: purchases, units, revenue and average order value per event day (UTC).
SELECT event_date,
       count_if(event_type = 'purchase') AS purchases,
       sum(CASE WHEN event_type = 'purchase' THEN quantity ELSE 0 END) AS units,
       sum(revenue) AS revenue,
       round(sum(revenue) / nullif(count_if(event_type = 'purchase'), 0), 2) AS avg_order_value
FROM clickstream_events
GROUP BY event_date
ORDER BY event_date
