-- Top products by views: the 20 most viewed products, with their share of all product views.
SELECT product_id,
       arbitrary(product_name) AS product_name,
       arbitrary(product_category) AS category,
       count(*) AS views,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct_of_views
FROM clickstream_events
WHERE event_type = 'page_view' AND product_id IS NOT NULL
GROUP BY product_id
ORDER BY views DESC, product_id
LIMIT 20
