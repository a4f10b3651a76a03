-- Category performance: views, carts, purchases, conversion and revenue per product category.
SELECT product_category,
       count_if(event_type = 'page_view') AS views,
       count_if(event_type = 'add_to_cart') AS carts,
       count_if(event_type = 'purchase') AS purchases,
       round(100.0 * count_if(event_type = 'purchase') / nullif(count_if(event_type = 'page_view'), 0), 2) AS view_to_purchase_pct,
       sum(revenue) AS revenue
FROM clickstream_events
WHERE product_category IS NOT NULL
GROUP BY product_category
ORDER BY revenue DESC
