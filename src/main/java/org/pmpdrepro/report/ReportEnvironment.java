package org.pmpdrepro.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run's results depend on beyond the code, as the report's Environment widget lists it: JDK, engine,
 * device, model and fixture hashes, commit. Written to Allure's {@code environment.properties}.
 *
 * @param entries key and value of each line, in display order
 */
public record ReportEnvironment(Map<String, String> entries) {

    public ReportEnvironment {
        Map<String, String> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("run environment: blank key (value '" + v + "')");
            }
            if (v == null) {
                throw new IllegalArgumentException("run environment: key '" + k + "' has no value");
            }
            copy.put(k, v);
        });
        entries = Collections.unmodifiableMap(copy);
    }

    /**
     * The entries in {@code java.util.Properties} syntax, one per line, without the date comment that
     * {@code Properties.store} adds (two runs in the same environment give the same bytes). Non-ASCII characters
     * are written as {@code \}{@code uXXXX}, since Allure loads the file as ISO-8859-1.
     */
    public String toProperties() {
        StringBuilder b = new StringBuilder();
        entries.forEach((k, v) -> b.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return b.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
