package io.clickstream.etl.local;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a JDBC result as an aligned text table, the way the demo and the query runner print. */
public final class TextTable {

    private TextTable() {
    }

    /** The rows of {@code rs}, header first, as text (long values cut). */
    public static List<String[]> rows(ResultSet rs) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = meta.getColumnLabel(i + 1);
        }
        rows.add(header);
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                Object v = rs.getObject(i + 1);
                String text = v == null ? "NULL" : v.toString();
                row[i] = text.length() > 60 ? text.substring(0, 57) + "..." : text;
            }
            rows.add(row);
        }
        return rows;
    }

    public static String render(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < width.length; i++) {
                out.append(i == 0 ? "| " : " | ").append(String.format(Locale.ROOT, "%-" + width[i] + "s", rows.get(r)[i]));
            }
            out.append(" |\n");
            if (r == 0) {
                for (int i = 0; i < width.length; i++) {
                    out.append(i == 0 ? "|-" : "-|-").append("-".repeat(width[i]));
                }
                out.append("-|\n");
            }
        }
        return out.toString();
    }
}
