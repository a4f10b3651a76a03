-- Conversion funnel: sessions that viewed a product, searched, added to cart and purchased, with step rates.
WITH steps AS (
    SELECT session_id,
           max(CASE WHEN event_type = 'page_view' AND product_id IS NOT NULL THEN 1 ELSE 0 END) AS viewed_product,
           max(CASE WHEN event_type = 'search' THEN 1 ELSE 0 END) AS searched,
           max(CASE WHEN event_type = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
           max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS purchased
    FROM clickstream_events
    WHERE NOT is_bot
    GROUP BY session_id
)
SELECT count(*) AS sessions,
       sum(viewed_product) AS viewed_product,
       sum(searched) AS searched,
       sum(carted) AS carted,
       sum(purchased) AS purchased,
       round(100.0 * sum(carted) / count(*), 2) AS cart_rate_pct,
       round(100.0 * sum(purchased) / nullif(sum(carted), 0), 2) AS cart_to_purchase_pct,
       round(100.0 * sum(purchased) / count(*), 2) AS conversion_pct
FROM steps
