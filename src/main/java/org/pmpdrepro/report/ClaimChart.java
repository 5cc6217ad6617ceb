package org.pmpdrepro.report;

import java.util.Locale;

/**
 * Draws one claim instance as a standalone SVG: the 95% interval of the paired difference as a bar with the
 * estimate as a dot, the criterion's threshold as a red line and zero as a grey one, on an axis that holds all of
 * them. The reader sees at once whether the interval clears the threshold (the verdict also depends on the Holm
 * adjustment, which the caption states).
 */
public final class ClaimChart {

    private static final int WIDTH = 560;
    private static final int HEIGHT = 120;
    private static final int LEFT = 24;
    private static final int RIGHT = 24;
    private static final int AXIS_Y = 84;
    private static final int BAR_Y = 52;

    private ClaimChart() {}

    /** The chart of {@code row}; a row without an interval (not run, exact memory) gets a note instead. */
    public static String svg(ClaimRow row) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                + " class=\"claim-chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\""
                + " font-size=\"11\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append("<title>").append(Html.escape(row.instance())).append(": ").append(Html.escape(row.verdict()))
                .append("</title>\n");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>\n", LEFT,
                Html.escape(row.instance() + " — " + row.verdict())));
        if (!row.drawable()) {
            b.append(String.format(Locale.ROOT, "<text class=\"note\" x=\"%d\" y=\"%d\">%s</text>\n", LEFT, BAR_Y,
                    Html.escape(row.evidence())));
            return b.append("</svg>\n").toString();
        }
        double lo = Math.min(Math.min(row.ciLower(), row.threshold()), 0);
        double hi = Math.max(Math.max(row.ciUpper(), row.threshold()), 0);
        double pad = (hi - lo) * 0.12 + 1e-12;
        double from = lo - pad;
        double to = hi + pad;
        int plot = WIDTH - LEFT - RIGHT;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + (v - from) / (to - from) * plot;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"32\" fill=\"#555\">%s, %s (%s): δ = %s, 95%%"
                + " CI [%s, %s]</text>\n", LEFT, Html.escape(row.arms()), Html.escape(row.metric()),
                Html.escape(row.criterion()), num(row.estimate()), num(row.ciLower()), num(row.ciUpper())));
        b.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                + " stroke=\"#333\"/>\n", LEFT, AXIS_Y, LEFT + plot, AXIS_Y));
        for (int k = 0; k <= 4; k++) {
            double v = from + k * (to - from) / 4;
            double px = x.applyAsDouble(v);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
                    + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", px, AXIS_Y, px,
                    AXIS_Y + 4, px, AXIS_Y + 16, num(v)));
        }
        double zero = x.applyAsDouble(0);
        b.append(String.format(Locale.ROOT, "<line class=\"zero\" x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%d\""
                + " stroke=\"#999\" stroke-dasharray=\"2,2\"/>\n", zero, zero, AXIS_Y));
        double t = x.applyAsDouble(row.threshold());
        b.append(String.format(Locale.ROOT, "<line class=\"threshold\" x1=\"%.1f\" y1=\"38\" x2=\"%.1f\" y2=\"%d\""
                + " stroke=\"#d62728\" stroke-width=\"2\"><title>threshold %s (%s)</title></line>\n", t, t, AXIS_Y,
                num(row.threshold()), Html.escape(row.thresholdText())));
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#d62728\" text-anchor=\"middle\">"
                + "threshold</text>\n", t, AXIS_Y + 30));
        double l = x.applyAsDouble(row.ciLower());
        double u = x.applyAsDouble(row.ciUpper());
        b.append(String.format(Locale.ROOT, "<line class=\"interval\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                + " stroke=\"%s\" stroke-width=\"6\" stroke-linecap=\"butt\"/>\n", l, BAR_Y, Math.max(u, l + 1),
                BAR_Y, color(row.verdict())));
        b.append(String.format(Locale.ROOT, "<circle class=\"estimate\" cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#111\"/>\n",
                x.applyAsDouble(row.estimate()), BAR_Y));
        return b.append("</svg>\n").toString();
    }

    private static String color(String verdict) {
        return switch (verdict) {
            case "supported" -> "#1a7f37";
            case "contradicted" -> "#b42318";
            default -> "#8c8c8c";
        };
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
