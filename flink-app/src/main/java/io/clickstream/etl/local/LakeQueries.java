package io.clickstream.etl.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Athena-style questions over a local lake, answered by DuckDB, for the demo. (The Athena queries
 * themselves are checked on Trino; DuckDB is only a quick local reader here.) It reads the files
 * Athena would: hidden ones ({@code .part-*} waiting for compaction) stay out, though DuckDB's own
 * glob would take them. A folder without such files (no dead letters when no record was bad)
 * answers with a line that says so, not an error.
 */
public final class LakeQueries implements AutoCloseable {

    /** One of the demo's questions: its title and the SQL that answers it over one view. */
    public static final class Question {
        public final String title;
        final String sql;
        final boolean overDeadLetters;

        private Question(String title, boolean overDeadLetters, String sql) {
            this.title = title;
            this.sql = sql;
            this.overDeadLetters = overDeadLetters;
        }
    }

    /** The demo's questions, over the views {@code events} and {@code dead_letters}. */
    public static final List<Question> DEMO = List.of(
            new Question("Events by type (DuckDB over the lake: every event visible, bots included)", false,
                    "SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC"),
            new Question("Purchases and revenue by event date, UTC (bots included; sessions running past the last midnight spill into the next day)", false,
                    "SELECT year || '-' || month || '-' || day AS day, count(*) FILTER (WHERE event_type = 'purchase') AS purchases, "
                            + "sum(revenue) AS revenue FROM events GROUP BY 1 ORDER BY 1"),
            new Question("Top 5 products by revenue (purchases, bots included)", false,
                    "SELECT product_id, any_value(product_name) AS name, sum(revenue) AS revenue FROM events "
                            + "WHERE event_type = 'purchase' GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 5"),
            new Question("Sessions that added to cart and purchased (bots included; the Athena funnel on Trino below leaves bots out)", false,
                    "SELECT count(DISTINCT session_id) AS sessions, "
                            + "count(DISTINCT session_id) FILTER (WHERE event_type = 'add_to_cart') AS carted, "
                            + "count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS purchased FROM events"),
            new Question("Top 8 browsers and devices, parsed from user agents (bot_events: events flagged as bots)", false,
                    "SELECT browser, device_type, count(*) AS events, sum(CASE WHEN is_bot THEN 1 ELSE 0 END) AS bot_events "
                            + "FROM events GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 8"),
            new Question("Dead letters by failure type (records the lake did not take, with an example reason)", true,
                    "SELECT failure_type, count(*) AS records, any_value(message) AS example FROM dead_letters GROUP BY 1 ORDER BY 2 DESC"));

    private final Connection connection;
    private final Path lake;
    private final Path deadLetters;
    private final List<String> lakeFiles;
    private final List<String> deadLetterFiles;

    public LakeQueries(Path lake, Path deadLetters) throws SQLException, IOException {
        this.lake = lake;
        this.deadLetters = deadLetters;
        this.lakeFiles = visibleFiles(lake, ".parquet");
        this.deadLetterFiles = visibleFiles(deadLetters, ".json.gz");
        connection = DriverManager.getConnection("jdbc:duckdb:");
        // DuckDB refuses a view over no file at all.
        try (Statement s = connection.createStatement()) {
            if (!lakeFiles.isEmpty()) {
                s.execute("CREATE VIEW events AS SELECT * FROM read_parquet(" + sqlList(lakeFiles) + ", "
                        + "hive_partitioning = true, hive_types = {'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR})");
            }
            if (!deadLetterFiles.isEmpty()) {
                s.execute("CREATE VIEW dead_letters AS SELECT * FROM read_json(" + sqlList(deadLetterFiles) + ", "
                        + "format = 'newline_delimited', hive_partitioning = false, union_by_name = true)");
            }
        }
    }

    /** The question's answer as an aligned text table, or a line saying why there is nothing to ask. */
    public String answer(Question question) throws SQLException {
        if (question.overDeadLetters && deadLetterFiles.isEmpty()) {
            return "No dead letters: no record was bad (" + deadLetters + " holds none).\n";
        }
        if (!question.overDeadLetters && lakeFiles.isEmpty()) {
            // Either no record was valid, or (a --watch run) its files still wait, hidden, for compaction.
            return "No events visible in the lake (" + lake + " holds no visible Parquet file).\n";
        }
        return table(question.sql);
    }

    /** Runs a query and renders it as an aligned text table. */
    public String table(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return TextTable.render(TextTable.rows(rs));
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** Files under {@code folder} ending in {@code suffix} that Athena reads: none whose name starts with '.' or '_'. */
    static List<String> visibleFiles(Path folder, String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String name = f.getFileName().toString();
                        return name.endsWith(suffix) && !name.startsWith(".") && !name.startsWith("_");
                    })
                    .map(f -> f.toAbsolutePath().toString())
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static String sqlList(List<String> files) {
        return files.stream().map(f -> "'" + f.replace("'", "''") + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
