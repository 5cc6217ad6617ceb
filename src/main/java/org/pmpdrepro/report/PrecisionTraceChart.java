package org.pmpdrepro.report;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Draws precision traces as a standalone SVG: x is the decode step, y the bit-width. Up to
 * {@link #MAX_LINES} samples are step lines (each a {@code polyline} of class {@code series}); more would be an
 * unreadable tangle, so they become a heat strip with one row (a {@code g} of class {@code series}) per sample.
 */
public final class PrecisionTraceChart {

    /** Beyond this many samples the chart switches from lines to a heat strip. */
    public static final int MAX_LINES = 12;

    private static final int WIDTH = 760;
    private static final int LEFT = 64;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 52;
    private static final int LINE_PLOT_HEIGHT = 260;
    private static final int MAX_TICKS = 10;
    private static final String[] PALETTE = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"
    };

    private PrecisionTraceChart() {}

    /** The chart of {@code traces} under {@code title}; fails on an empty list. */
    public static String svg(String title, List<PrecisionTrace> traces) {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("precision trace chart '" + title + "': no traces to draw");
        }
        return traces.size() <= MAX_LINES ? lines(title, traces) : heatStrip(title, traces);
    }

    private static String lines(String title, List<PrecisionTrace> traces) {
        int steps = maxSteps(traces);
        double lo = Math.max(0, Math.floor(minBits(traces)) - 1);
        double hi = Math.ceil(maxBits(traces)) + 1;
        int plotW = WIDTH - LEFT - RIGHT;
        int height = TOP + LINE_PLOT_HEIGHT + BOTTOM;
        Scale x = new Scale(0, steps, LEFT, LEFT + plotW);
        Scale y = new Scale(lo, hi, TOP + LINE_PLOT_HEIGHT, TOP);
        StringBuilder b = header(title, height);
        frame(b, plotW, LINE_PLOT_HEIGHT);
        xAxis(b, x, steps, TOP + LINE_PLOT_HEIGHT);
        double yStep = niceStep(hi - lo);
        for (double v = Math.ceil(lo / yStep) * yStep; v <= hi + 1e-9; v += yStep) {
            double py = y.at(v);
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
                    + " stroke=\"#e5e5e5\"/>\n", LEFT, py, LEFT + plotW, py));
            b.append(String.format(Locale.ROOT, "<text class=\"tick y\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s"
                    + "</text>\n", LEFT - 6, py + 4, tickLabel(v)));
        }
        yLabel(b, "bits", TOP + LINE_PLOT_HEIGHT / 2);
        // Samples that share a schedule would hide each other: each line is nudged by a few pixels.
        double spread = Math.min(3.0, 24.0 / traces.size());
        for (int i = 0; i < traces.size(); i++) {
            PrecisionTrace t = traces.get(i);
            double nudge = (i - (traces.size() - 1) / 2.0) * spread;
            String color = PALETTE[i % PALETTE.length];
            StringBuilder points = new StringBuilder();
            for (int s = 0; s < t.steps(); s++) {
                double py = y.at(t.bits().get(s)) + nudge;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x.at(s), py, x.at(s + 1), py));
            }
            b.append("<polyline class=\"series\" data-sample=\"").append(Html.escape(t.sample()))
                    .append("\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color)
                    .append("\" points=\"").append(points.toString().strip()).append("\"><title>")
                    .append(Html.escape(t.sample())).append(": ").append(tickLabel(mean(t))).append(" bits on average")
                    .append("</title></polyline>\n");
            int ly = TOP + 6 + i * 18;
            b.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"14\" height=\"4\""
                    + " fill=\"%s\"/>\n", WIDTH - RIGHT + 16, ly, color));
            b.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\">", WIDTH - RIGHT + 36, ly + 6))
                    .append(Html.escape(shorten(t.sample()))).append("</text>\n");
        }
        return b.append("</svg>\n").toString();
    }

    private static String heatStrip(String title, List<PrecisionTrace> traces) {
        int steps = maxSteps(traces);
        double lo = minBits(traces);
        double hi = maxBits(traces);
        int rowH = Math.max(3, Math.min(14, 320 / traces.size()));
        int plotH = rowH * traces.size();
        int plotW = WIDTH - LEFT - RIGHT;
        Scale x = new Scale(0, steps, LEFT, LEFT + plotW);
        StringBuilder b = header(title, TOP + plotH + BOTTOM);
        for (int i = 0; i < traces.size(); i++) {
            PrecisionTrace t = traces.get(i);
            int top = TOP + i * rowH;
            b.append("<g class=\"series\" data-sample=\"").append(Html.escape(t.sample())).append("\"><title>")
                    .append(Html.escape(t.sample())).append(": ").append(tickLabel(mean(t)))
                    .append(" bits on average</title>\n");
            // Runs of equal precision become one rectangle: a schedule switches rarely, so the SVG stays small.
            int start = 0;
            for (int s = 1; s <= t.steps(); s++) {
                if (s == t.steps() || !t.bits().get(s).equals(t.bits().get(start))) {
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                            + " fill=\"%s\"/>\n", x.at(start), top, x.at(s) - x.at(start), rowH,
                            heat(t.bits().get(start), lo, hi)));
                    start = s;
                }
            }
            b.append("</g>\n");
        }
        frame(b, plotW, plotH);
        xAxis(b, x, steps, TOP + plotH);
        yLabel(b, "samples (" + traces.size() + ")", TOP + plotH / 2);
        b.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\">bits</text>\n",
                WIDTH - RIGHT + 16, TOP + 4));
        TreeSet<Double> levels = new TreeSet<>();
        traces.forEach(t -> levels.addAll(t.bits()));
        List<Double> shown = levels.size() <= MAX_TICKS ? List.copyOf(levels) : List.of(lo, (lo + hi) / 2, hi);
        for (int i = 0; i < shown.size(); i++) {
            int ly = TOP + 14 + i * 18;
            b.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"14\" height=\"12\""
                    + " fill=\"%s\"/>\n", WIDTH - RIGHT + 16, ly, heat(shown.get(i), lo, hi)));
            b.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>\n",
                    WIDTH - RIGHT + 36, ly + 10, tickLabel(shown.get(i))));
        }
        return b.append("</svg>\n").toString();
    }

    private static StringBuilder header(String title, int height) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
                        + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
                        WIDTH, height, WIDTH, height))
                .append("<title>").append(Html.escape(title)).append("</title>\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
                .append(String.format(Locale.ROOT, "<text class=\"chart-title\" x=\"%d\" y=\"22\" font-size=\"14\">",
                        LEFT))
                .append(Html.escape(title)).append("</text>\n");
        return b;
    }

    private static void frame(StringBuilder b, int plotW, int plotH) {
        b.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                + " fill=\"none\" stroke=\"#444\"/>\n", LEFT, TOP, plotW, plotH));
    }

    private static void xAxis(StringBuilder b, Scale x, int steps, int baseline) {
        double step = niceStep(steps);
        for (double v = 0; v <= steps + 1e-9; v += step) {
            double px = x.at(v);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>\n",
                    px, baseline, px, baseline + 4));
            b.append(String.format(Locale.ROOT, "<text class=\"tick x\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                    + "%s</text>\n", px, baseline + 16, tickLabel(v)));
        }
        b.append(String.format(Locale.ROOT, "<text class=\"axis-label x\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                + "decode step</text>\n", (x.toLo + x.toHi) / 2, baseline + 36));
    }

    private static void yLabel(StringBuilder b, String label, int middle) {
        b.append(String.format(Locale.ROOT, "<text class=\"axis-label y\" x=\"16\" y=\"%d\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 16 %d)\">%s</text>\n", middle, middle, Html.escape(label)));
    }

    /** 1, 2 or 5 times a power of ten, so that about {@link #MAX_TICKS} ticks or fewer cover {@code range}. */
    static double niceStep(double range) {
        if (!(range > 0)) {
            return 1;
        }
        double raw = range / MAX_TICKS;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return Math.max(1, m * magnitude);
            }
        }
        return Math.max(1, 10 * magnitude);
    }

    /** Low precision dark red, high precision pale yellow: where a schedule stepped down stands out. */
    private static String heat(double bits, double lo, double hi) {
        double f = hi > lo ? (bits - lo) / (hi - lo) : 1;
        int r = (int) Math.round(140 + f * (255 - 140));
        int g = (int) Math.round(20 + f * (237 - 20));
        int bl = (int) Math.round(30 + f * (160 - 30));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, bl);
    }

    private static String tickLabel(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String shorten(String s) {
        return s.length() <= 24 ? s : s.substring(0, 23) + "…";
    }

    private static double mean(PrecisionTrace t) {
        return t.bits().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static int maxSteps(List<PrecisionTrace> traces) {
        return traces.stream().mapToInt(PrecisionTrace::steps).max().orElseThrow();
    }

    private static double minBits(List<PrecisionTrace> traces) {
        return traces.stream().flatMap(t -> t.bits().stream()).mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double maxBits(List<PrecisionTrace> traces) {
        return traces.stream().flatMap(t -> t.bits().stream()).mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** A linear map from data values to pixels. */
    private record Scale(double fromLo, double fromHi, double toLo, double toHi) {
        double at(double v) {
            return toLo + (v - fromLo) / (fromHi - fromLo) * (toHi - toLo);
        }
    }
}
