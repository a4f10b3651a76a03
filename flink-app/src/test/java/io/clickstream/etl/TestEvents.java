package io.clickstream.etl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Small builders for test records. */
public final class TestEvents {

    private TestEvents() {
    }

    /** A valid page view with the given id at 2026-01-05T10:15:30.250Z. */
    public static String pageView(String id) {
        return json(fields(id, "page_view"));
    }

    public static Map<String, Object> fields(String id, String type) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event_id", id);
        f.put("event_type", type);
        f.put("timestamp", "2026-01-05T10:15:30.250Z");
        f.put("user_id", "u-1");
        f.put("session_id", "s-1");
        f.put("page_url", "https://shop.example.com/p/P00001?utm_source=google&utm_medium=cpc");
        f.put("ip_address", "81.2.69.160");
        f.put("email", "jane.doe@example.org");
        f.put("device_type", "desktop");
        return f;
    }

    /** A distinct, valid (version 4) UUID for each {@code n}. */
    public static String uuid(long n) {
        return new UUID(0x123456789abc4defL, 0x8000000000000000L | n).toString();
    }

    /** Renders a flat map as JSON; values are written as JSON literals when they are numbers. */
    public static String json(Map<String, Object> fields) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v == null || v instanceof Number || v instanceof Boolean) {
                b.append(v);
            } else {
                b.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
    }
}
