package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every scheduler × precision pair × task on one split, in one process (one quantization, one full-precision run
 * per task), collected into a {@link PmpdTable}; each cell's outputs and traces written when {@code out} is given.
 * An arm matched to a schedule's bits ({@code matched-static}, {@code matched-learned}, and {@code none-matched}
 * matched to {@code matchTo}) decodes at the average bits that schedule reached on the same cell, so the schedule
 * must come before it in the list.
 */
public final class TableRun {

    private static final Logger LOG = LoggerFactory.getLogger(TableRun.class);

    private TableRun() {}

    public static PmpdTable run(PmpdRunner runner, Function<Task, List<TaskExample>> examples, Split split,
            List<PrecisionPair> pairs, List<Task> tasks, List<String> schedulers, String matchTo,
            Schedulers.Sources sources, Path out, CellWriter.Provenance provenance) throws IOException {
        for (int i = 0; i < schedulers.size(); i++) {
            String source = source(schedulers.get(i), matchTo);
            if (source != null && !schedulers.subList(0, i).contains(source)) {
                throw new IllegalArgumentException(schedulers.get(i) + " matches the average bits of '" + source
                        + "', which must come before it in the scheduler list " + schedulers);
            }
        }
        PmpdTable table = new PmpdTable();
        Progress progress = Progress.of(LOG, "table", (long) pairs.size() * tasks.size() * schedulers.size(), "cells");
        for (PrecisionPair pair : pairs) {
            for (Task task : tasks) {
                List<TaskExample> ex = examples.apply(task);
                Map<String, Double> bits = new HashMap<>();
                for (String name : schedulers) {
                    String source = source(name, matchTo);
                    double matched = source == null ? Double.NaN : bits.get(source);
                    Scheduler s = Schedulers.create(name, Schedulers.Target.of(task, pair, runner.backbone(),
                            runner.quantized(), matched), sources);
                    CellResult cell = runner.run(split, ex, pair, s);
                    bits.put(name, cell.averageBits());
                    table.add(cell);
                    if (out != null) {
                        CellWriter.write(out, cell, provenance);
                    }
                    progress.advance(1, () -> String.format(Locale.ROOT, "%s %s %s: %s bits %.3f, %.0f tokens/s",
                            pair, task.id(), name, cell.scores().values(), cell.averageBits(),
                            cell.tokensPerSecond()));
                }
            }
        }
        return table;
    }

    /** The schedule whose bits {@code name} matches, or null. */
    private static String source(String name, String matchTo) {
        return Schedulers.matchSource(name, matchTo).orElse(null);
    }

    /**
     * One cell: {@code scheduler} on {@code examples} of {@code task} at {@code pair}. A bits-matched arm first runs
     * the schedule it matches ({@code match} for {@code none-matched}) to measure the bits it must reach.
     */
    public static CellResult cell(PmpdRunner runner, Split split, List<TaskExample> examples, Task task,
            PrecisionPair pair, String scheduler, String match, Schedulers.Sources sources) throws IOException {
        String source = source(scheduler, match);
        double matched = Double.NaN;
        if (source != null) {
            matched = runner.run(split, examples, pair, Schedulers.create(source, Schedulers.Target.of(task, pair,
                    runner.backbone(), runner.quantized(), Double.NaN), sources)).averageBits();
        }
        return runner.run(split, examples, pair, Schedulers.create(scheduler, Schedulers.Target.of(task, pair,
                runner.backbone(), runner.quantized(), matched), sources));
    }

    /** Parses a comma-separated list of precision pairs. */
    public static List<PrecisionPair> pairs(String csv) {
        List<PrecisionPair> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            out.add(PrecisionPair.parse(p));
        }
        return out;
    }
}
