package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The configurations update mode decodes a sample of the run's decodes on again ({@code -Dgolden.grid.decodes} per
 * task, {@link #DEFAULT_DECODES_PER_TASK} by default) to measure how much outputs move between legitimate
 * configurations ({@link ConfigurationSpread}), from {@code -Dgolden.grid}: a comma-separated list of
 * variants, each {@code threads:N}, {@code batch:N} or both joined by {@code +} (absolute values), or
 * {@code container} (the container runner with the main run's numerics); {@code none} measures nothing. The
 * default is the other intra-op thread count (1 and 2), a second batch size ({@code b/2 + 1}), both together, and
 * the container runner.
 *
 * @param variants in-process variants: each a thread count and batch size, 0 meaning "the main run's"
 * @param container whether the container runner is a configuration of the grid
 * @param decodesPerTask how many of each task's decodes (per ablation) are decoded again; 0 for all of them
 */
public record ConfigurationGrid(List<Variant> variants, boolean container, int decodesPerTask) {

    /** The system property that sets the grid. */
    public static final String PROPERTY = "golden.grid";
    /** The system property that sets how many decodes per task the grid measures ({@code all} for every one). */
    public static final String DECODES_PROPERTY = "golden.grid.decodes";
    /**
     * By default the grid decodes two decodes per task and ablation again on each configuration: a second intra-op
     * thread made a 256-prompt decode 11 times slower on this 2-core machine shared with other jobs (188 s against
     * 17 s), so every decode of the suite under every configuration would take hours.
     */
    public static final int DEFAULT_DECODES_PER_TASK = 2;

    /** One in-process variant; 0 keeps the main run's value, -1 in {@code threads} means "the other of 1 and 2". */
    public record Variant(int threads, int batch) {

        static final int OTHER_THREADS = -1;
        static final int HALF_BATCH = -1;

        /** The numerics this variant means for a main run with {@code threadsNow} and {@code batchNow}. */
        public SuiteSettings.Numerics resolve(int threadsNow, int batchNow) {
            int t = switch (threads) {
                case 0 -> threadsNow;
                case OTHER_THREADS -> threadsNow == 1 ? 2 : 1;
                default -> threads;
            };
            int b = switch (batch) {
                case 0 -> batchNow;
                case HALF_BATCH -> Math.max(1, batchNow / 2 + 1);
                default -> batch;
            };
            return new SuiteSettings.Numerics(String.format(Locale.ROOT, "threads %d, batch %d", t, b), b, t);
        }
    }

    public ConfigurationGrid {
        variants = List.copyOf(variants);
        if (decodesPerTask < 0) {
            throw new IllegalArgumentException("-D" + DECODES_PROPERTY + "=" + decodesPerTask
                    + ": expected a positive count or all");
        }
    }

    /** This grid measured on {@code perTask} decodes per task (0: all). */
    public ConfigurationGrid withDecodesPerTask(int perTask) {
        return new ConfigurationGrid(variants, container, perTask);
    }

    /** Reads {@code -Dgolden.grid.decodes}: a positive count, or {@code all}; null or blank is the default. */
    public static int parseDecodes(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_DECODES_PER_TASK;
        }
        if (text.strip().equals("all")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("-D" + DECODES_PROPERTY + "=" + text + ": expected a positive count or all");
    }

    /** Threads 1 ↔ 2, batch b/2 + 1, both, and the container runner. */
    public static ConfigurationGrid standard() {
        return new ConfigurationGrid(List.of(new Variant(Variant.OTHER_THREADS, 0), new Variant(0, Variant.HALF_BATCH),
                new Variant(Variant.OTHER_THREADS, Variant.HALF_BATCH)), true, DEFAULT_DECODES_PER_TASK);
    }

    public static ConfigurationGrid none() {
        return new ConfigurationGrid(List.of(), false, DEFAULT_DECODES_PER_TASK);
    }

    /**
     * Reads the property's form; {@code null} or blank is {@link #standard()}.
     *
     * @throws IllegalArgumentException naming the part that is not understood and the expected form
     */
    public static ConfigurationGrid parse(String text) {
        if (text == null || text.isBlank() || text.strip().equals("standard")) {
            return standard();
        }
        if (text.strip().equals("none")) {
            return none();
        }
        List<Variant> variants = new ArrayList<>();
        boolean container = false;
        for (String item : text.split(",")) {
            String v = item.strip();
            if (v.equals("container")) {
                container = true;
                continue;
            }
            int threads = 0;
            int batch = 0;
            for (String setting : v.split("\\+")) {
                String[] kv = setting.strip().split(":");
                int n;
                try {
                    n = kv.length == 2 ? Integer.parseInt(kv[1].strip()) : 0;
                } catch (NumberFormatException e) {
                    n = 0;
                }
                if (kv.length != 2 || n < 1 || !(kv[0].strip().equals("threads") || kv[0].strip().equals("batch"))) {
                    throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + ": '" + setting.strip()
                            + "' is not understood; expected variants such as threads:2, batch:17,"
                            + " threads:2+batch:17 or container, separated by commas, or none, or standard");
                }
                if (kv[0].strip().equals("threads")) {
                    threads = n;
                } else {
                    batch = n;
                }
            }
            variants.add(new Variant(threads, batch));
        }
        return new ConfigurationGrid(variants, container, DEFAULT_DECODES_PER_TASK);
    }

    /** The in-process variants for a main run with {@code threadsNow} and {@code batchNow}, without the main run's own. */
    public List<SuiteSettings.Numerics> numerics(int threadsNow, int batchNow) {
        List<SuiteSettings.Numerics> out = new ArrayList<>();
        for (Variant v : variants) {
            SuiteSettings.Numerics n = v.resolve(threadsNow, batchNow);
            boolean main = n.intraOpThreads() == threadsNow && n.batchSize() == batchNow;
            if (!main && out.stream().noneMatch(o -> o.batchSize() == n.batchSize()
                    && o.intraOpThreads() == n.intraOpThreads())) {
                out.add(n);
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return variants.isEmpty() && !container;
    }
}
