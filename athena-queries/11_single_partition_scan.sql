-- Single-partition scan: yesterday's (UTC) activity by event type, reading only one year/month/day partition.
SELECT event_type,
       count(*) AS events,
       sum(revenue) AS revenue
FROM clickstream_events
WHERE year = date_format(current_date - INTERVAL '1' DAY, '%Y')
  AND month = date_format(current_date - INTERVAL '1' DAY, '%m')
  AND day = date_format(current_date - INTERVAL '1' DAY, '%d')
GROUP BY event_type
ORDER BY events DESC
