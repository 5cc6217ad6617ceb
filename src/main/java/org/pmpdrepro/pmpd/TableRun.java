package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every scheduler × precision pair × task on one split, in one process (one quantization, one full-precision run
 * per task), collected into a {@link PmpdTable}; each cell's outputs and traces written when {@code out} is given.
 * {@code none-matched} decodes at the average bits the {@code matchTo} scheduler reached on the same cell.
 */
public final class TableRun {

    private static final Logger LOG = LoggerFactory.getLogger(TableRun.class);

    private TableRun() {}

    public static PmpdTable run(PmpdRunner runner, Function<Task, List<TaskExample>> examples, Split split,
            List<PrecisionPair> pairs, List<Task> tasks, List<String> schedulers, String matchTo,
            Schedulers.Sources sources, Path out, Map<String, Object> provenance) throws IOException {
        if (schedulers.contains("none-matched") && !schedulers.subList(0, schedulers.indexOf("none-matched"))
                .contains(matchTo)) {
            throw new IllegalArgumentException("none-matched matches the average bits of '" + matchTo
                    + "', which must come before it in the scheduler list " + schedulers);
        }
        PmpdTable table = new PmpdTable();
        int total = pairs.size() * tasks.size() * schedulers.size();
        int done = 0;
        long start = System.nanoTime();
        for (PrecisionPair pair : pairs) {
            for (Task task : tasks) {
                List<TaskExample> ex = examples.apply(task);
                double matched = Double.NaN;
                for (String name : schedulers) {
                    Scheduler s = Schedulers.create(name, task, pair, sources, runner.quantized(), matched);
                    CellResult cell = runner.run(split, ex, pair, s);
                    if (name.equals(matchTo)) {
                        matched = cell.averageBits();
                    }
                    table.add(cell);
                    if (out != null) {
                        CellWriter.write(out, cell, provenance);
                    }
                    done++;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    LOG.info(String.format(Locale.ROOT, "table %d/%d: %s %s %s: %s bits %.3f, %.0f tokens/s; ETA %.0f s",
                            done, total, pair, task.id(), name, cell.scores().values(), cell.averageBits(),
                            cell.tokensPerSecond(), elapsed / done * (total - done)));
                }
            }
        }
        return table;
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
