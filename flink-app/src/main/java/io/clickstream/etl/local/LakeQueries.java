package io.clickstream.etl.local;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Athena-style questions over a local lake, answered by DuckDB, for the demo. (The Athena queries
 * themselves are checked on Trino; DuckDB is only a quick local reader here.)
 */
public final class LakeQueries {

    /** Title to SQL, over the views {@code events} and {@code dead_letters}. */
    public static final Map<String, String> DEMO = new LinkedHashMap<>();

    static {
        DEMO.put("Events by type (DuckDB over the lake: every event written, bots included)", "SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC");
        DEMO.put("Purchases and revenue by event date, UTC (bots included; sessions running past the last midnight spill into the next day)",
                "SELECT year || '-' || month || '-' || day AS day, count(*) FILTER (WHERE event_type = 'purchase') AS purchases, "
                        + "sum(revenue) AS revenue FROM events GROUP BY 1 ORDER BY 1");
        DEMO.put("Top 5 products by revenue (purchases, bots included)",
                "SELECT product_id, any_value(product_name) AS name, sum(revenue) AS revenue FROM events "
                        + "WHERE event_type = 'purchase' GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 5");
        DEMO.put("Sessions that added to cart and purchased (bots included; the Athena funnel on Trino below leaves bots out)",
                "SELECT count(DISTINCT session_id) AS sessions, "
                        + "count(DISTINCT session_id) FILTER (WHERE event_type = 'add_to_cart') AS carted, "
                        + "count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS purchased FROM events");
        DEMO.put("Top 8 browsers and devices, parsed from user agents (bot_events: events flagged as bots)",
                "SELECT browser, device_type, count(*) AS events, sum(CASE WHEN is_bot THEN 1 ELSE 0 END) AS bot_events "
                        + "FROM events GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 8");
        DEMO.put("Dead letters by failure type (records the lake did not take, with an example reason)",
                "SELECT failure_type, count(*) AS records, any_value(message) AS example FROM dead_letters GROUP BY 1 ORDER BY 2 DESC");
    }

    private final Connection connection;

    public LakeQueries(Path lake, Path deadLetters) throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE VIEW events AS SELECT * FROM read_parquet('" + lake.toAbsolutePath() + "/**/*.parquet', "
                    + "hive_partitioning = true, hive_types = {'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR})");
            s.execute("CREATE VIEW dead_letters AS SELECT * FROM read_json('" + deadLetters.toAbsolutePath() + "/**/*.json.gz', "
                    + "format = 'newline_delimited', hive_partitioning = false, union_by_name = true)");
        }
    }

    /** Runs a query and renders it as an aligned text table. */
    public String table(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return TextTable.render(TextTable.rows(rs));
        }
    }

    public void close() throws SQLException {
        connection.close();
    }
}
