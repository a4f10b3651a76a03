-- Top products by revenue: the 20 products that earned most, with units sold and buyers.
SELECT product_id,
       arbitrary(product_name) AS product_name,
       sum(quantity) AS units,
       -- user_id_hash stands in for user_id where user_id is pseudonymised (pii.pseudonym-fields).
       count(DISTINCT coalesce(user_id, user_id_hash)) AS buyers,
       sum(revenue) AS revenue
FROM clickstream_events
WHERE event_type = 'purchase'
GROUP BY product_id
ORDER BY revenue DESC, product_id
LIMIT 20
