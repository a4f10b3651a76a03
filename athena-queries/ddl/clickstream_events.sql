-- The lake table with partition projection, for users who skip the Glue crawler.
-- Run it in your stack's Glue database (<project>_db). Replace s3://LAKE_BUCKET/events/ with output.lake.path
-- and 2024 with the first year of your data. New days are queryable at once: no crawler, no MSCK REPAIR.
CREATE EXTERNAL TABLE IF NOT EXISTS clickstream_events (
  event_id string,
  event_type string,
  event_timestamp timestamp,
  event_date date,
  hour int,
  day_of_week string,
  user_id string,
  session_id string,
  page_url string,
  page_host string,
  page_path string,
  referrer_host string,
  utm_source string,
  utm_medium string,
  utm_campaign string,
  utm_term string,
  utm_content string,
  product_id string,
  product_name string,
  product_category string,
  product_price decimal(12,2),
  revenue decimal(12,2),
  quantity int,
  search_query string,
  search_results_count int,
  device_type string,
  browser string,
  browser_version string,
  os string,
  is_bot boolean,
  country string,
  city string,
  email_hash string,
  ip_address_hash string,
  user_id_hash string,
  extra map<string,string>,
  source_file string,
  ingested_at timestamp
)
PARTITIONED BY (year string, month string, day string)
STORED AS PARQUET
LOCATION 's3://LAKE_BUCKET/events/'
TBLPROPERTIES (
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.year.type' = 'date',
  'projection.year.format' = 'yyyy',
  'projection.year.range' = '2024,NOW+1YEARS',
  'projection.year.interval' = '1',
  'projection.year.interval.unit' = 'YEARS',
  'projection.month.type' = 'integer',
  'projection.month.range' = '1,12',
  'projection.month.digits' = '2',
  'projection.day.type' = 'integer',
  'projection.day.range' = '1,31',
  'projection.day.digits' = '2',
  'storage.location.template' = 's3://LAKE_BUCKET/events/year=${year}/month=${month}/day=${day}/'
)
