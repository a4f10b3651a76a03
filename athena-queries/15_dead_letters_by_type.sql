-- Dead letters by failure type: how many records failed, why, from how many objects, with an example message.
SELECT failure_type,
       coalesce(field, '-') AS field,
       coalesce(rule, '-') AS rule,
       count(*) AS records,
       count(DISTINCT source_file) AS objects,
       count_if(raw_truncated) AS truncated,
       arbitrary(message) AS example_message
FROM dead_letters
GROUP BY 1, 2, 3
ORDER BY records DESC
