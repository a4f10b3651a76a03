-- The dead-letter table (GZIP JSON lines), with partition projection.
-- Run it in your stack's Glue database (<project>_db). Replace s3://LAKE_BUCKET/dead-letter/ with output.dead-letter.path (outside the events table's location).
CREATE EXTERNAL TABLE IF NOT EXISTS dead_letters (
  field string,
  rule string,
  message string,
  source_file string,
  line_number bigint,
  source_record bigint,
  failure_time string,
  job_version string,
  raw_truncated boolean,
  raw_bytes bigint,
  raw_text string
)
PARTITIONED BY (failure_type string, processing_date string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://LAKE_BUCKET/dead-letter/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.failure_type.type' = 'enum',
  'projection.failure_type.values' = 'malformed_json,schema_violation,oversized_record,unreadable_object,id_conflict,processing_error',
  'projection.processing_date.type' = 'date',
  'projection.processing_date.format' = 'yyyy-MM-dd',
  'projection.processing_date.range' = 'NOW-2YEARS,NOW',
  'storage.location.template' = 's3://LAKE_BUCKET/dead-letter/failure_type=${failure_type}/processing_date=${processing_date}/'
)
