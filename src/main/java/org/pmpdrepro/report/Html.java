package org.pmpdrepro.report;

/** Escaping for text placed into HTML or SVG (both XML-safe): every renderer goes through here. */
public final class Html {

    private Html() {}

    /** {@code text} with {@code & < > " '} replaced by entities and XML-illegal control characters dropped. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // XML 1.0 forbids C0 controls other than tab, LF and CR; a stray one would make the SVG unparsable.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A standalone HTML page around {@code body}, with the small style every report attachment shares. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title>\n<style>body{font-family:sans-serif;font-size:13px}"
                + "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;text-align:left}"
                + "td.num{text-align:right;font-family:monospace}tr.fail td{background:#fde2e1}"
                + "tr.pass td.result{color:#1a7f37}tr.fail td.result{color:#b42318;font-weight:bold}"
                + "pre{white-space:pre-wrap;margin:0}</style></head>\n<body>\n<h3>" + escape(title) + "</h3>\n"
                + body + "</body></html>\n";
    }

    /** A number as tables show it: fixed decimals, with NaN shown as a dash (a value that does not exist). */
    static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }
}
