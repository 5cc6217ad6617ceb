package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Update mode's writing half: each cell's golden row and outputs file, and the configuration grid's spread (a sample
 * of the run's decodes decoded again on each configuration of {@link ConfigurationGrid} and compared with the main
 * run).
 */
final class GoldenRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(GoldenRecorder.class);

    private final Path goldenFile;
    private final PairedBootstrap.Config bootstrap;
    private final ConfigurationGrid grid;
    private final Function<String, CellRunner> otherRunners;
    /** Variant outcomes by (decode, configuration): a decode shared by cells of both ablations reruns once. */
    private final Map<List<String>, CellOutcome> variants = new HashMap<>();
    private CellRunner container;
    private String containerProblem;

    GoldenRecorder(Path goldenFile, PairedBootstrap.Config bootstrap, ConfigurationGrid grid,
            Function<String, CellRunner> otherRunners) {
        this.goldenFile = goldenFile;
        this.bootstrap = bootstrap;
        this.grid = grid;
        this.otherRunners = otherRunners;
    }

    /**
     * Writes the goldens of {@code outcomes}, decoded by {@code runner}, dropping the rows {@code inGrid} rejects;
     * returns the diff of the golden file.
     */
    GoldenUpdate.Result goldens(List<CellOutcome> outcomes, CellRunner runner, RunStamp stamp,
            Predicate<GoldenRow> inGrid) throws IOException {
        RunEnvironment env = runner.environment();
        DecodeConfiguration configuration = runner.configuration();
        List<GoldenUpdate.Fresh> fresh = new ArrayList<>();
        for (CellOutcome o : outcomes) {
            fresh.add(GoldenUpdate.Fresh.of(o, configuration, env, stamp.commit(), stamp.date()));
        }
        return GoldenUpdate.apply(goldenFile, fresh, inGrid);
    }

    /**
     * Decodes one cell of each sampled decode of {@code outcomes} ({@link #sample}) again on every configuration of
     * the grid and merges the differences into the spread file; returns what could not be measured (the container
     * runner without a Docker engine, say), one line each.
     */
    List<String> spread(List<CellOutcome> outcomes, CellRunner runner, RunStamp stamp) throws IOException {
        DecodeConfiguration main = runner.configuration();
        Map<String, List<CellOutcome>> byDecode = sample(outcomes, grid.decodesPerTask());
        List<ConfigurationSpread.Row> rows = new ArrayList<>();
        List<String> notMeasured = new ArrayList<>();
        for (Map.Entry<String, List<CellOutcome>> e : byDecode.entrySet()) {
            CellOutcome first = e.getValue().get(0);
            for (SuiteSettings.Numerics n : grid.numerics(main.intraOpThreads(), main.batchSize())) {
                List<String> key = List.of(e.getKey(), n.description());
                CellOutcome v = variants.computeIfAbsent(key, k -> runner.runVariant(first.cell(), n).outcome());
                DecodeConfiguration at = main.with(n.intraOpThreads(), n.batchSize());
                for (CellOutcome o : e.getValue()) {
                    rows.addAll(ConfigurationSpread.between(o, v, main, at, bootstrap, stamp));
                }
                LOG.info("configuration spread of {} ({}): {} of {} prompts changed", e.getKey(), n.description(),
                        rows.get(rows.size() - 1).changedPrompts(), first.sampleCount());
            }
            if (grid.container()) {
                CellRunner c = container(byDecode.values().stream().map(l -> l.get(0)).toList());
                if (c == null) {
                    continue;
                }
                try {
                    CellOutcome v = c.run(first.cell());
                    for (CellOutcome o : e.getValue()) {
                        rows.addAll(ConfigurationSpread.between(o, v, main, c.configuration(), bootstrap, stamp));
                    }
                } catch (RuntimeException ex) {
                    containerProblem = "the container runner failed on " + first.cell().id() + ": " + ex.getMessage();
                    LOG.warn("configuration spread: {}", containerProblem);
                }
            }
        }
        if (grid.container() && containerProblem != null) {
            notMeasured.add("container runner: not measured (" + containerProblem + ")");
        }
        if (!rows.isEmpty()) {
            ConfigurationSpread.merge(ConfigurationSpread.besides(goldenFile), rows);
        }
        return notMeasured;
    }

    /**
     * The decodes the grid is measured on, each with the cells that share it: per task at most {@code perTask}
     * (0: all), taken round-robin over the task's (pair, back-bone) groups in run order so that a small sample still
     * covers both pairs and every back-bone.
     */
    static Map<String, List<CellOutcome>> sample(List<CellOutcome> outcomes, int perTask) {
        Map<String, List<CellOutcome>> byDecode = new LinkedHashMap<>();
        for (CellOutcome o : outcomes) {
            byDecode.computeIfAbsent(o.cell().task().id() + "/" + o.cell().backbone() + "/" + o.plan(),
                    k -> new ArrayList<>()).add(o);
        }
        if (perTask == 0) {
            return byDecode;
        }
        Map<String, Map<String, List<String>>> groups = new LinkedHashMap<>();
        byDecode.forEach((key, cells) -> {
            Cell c = cells.get(0).cell();
            groups.computeIfAbsent(c.task().id(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(c.pair() + "/" + c.backbone(), g -> new ArrayList<>()).add(key);
        });
        Map<String, List<CellOutcome>> out = new LinkedHashMap<>();
        for (Map<String, List<String>> task : groups.values()) {
            int taken = 0;
            for (int round = 0; taken < perTask; round++) {
                boolean any = false;
                for (List<String> keys : task.values()) {
                    if (round < keys.size() && taken < perTask) {
                        out.put(keys.get(round), byDecode.get(keys.get(round)));
                        taken++;
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
            }
        }
        return out;
    }

    /** The container runner, told of every cell first so that they run as one job; null when it cannot open. */
    private CellRunner container(List<CellOutcome> outcomes) {
        if (container == null && containerProblem == null) {
            try {
                container = otherRunners.apply(CellRunners.CONTAINER);
            } catch (RuntimeException e) {
                containerProblem = "cannot open it: " + e.getMessage();
                LOG.warn("configuration spread: container runner {}", containerProblem);
                return null;
            }
        }
        if (container != null) {
            container.plan(outcomes.stream().map(CellOutcome::cell).toList());
        }
        return container;
    }

    void close() {
        if (container != null) {
            container.close();
        }
    }
}
