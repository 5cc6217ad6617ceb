package org.pmpdrepro.suite;

import java.util.Objects;
import java.util.regex.Pattern;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

/**
 * One cell of an ablation grid: a task decoded by a back-bone (PTQ method) at a precision pair under a scheduler.
 *
 * @param backbone the quantization method's name ({@code any-precision}, {@code gptq}, ...)
 * @param scheduler the scheduler's name ({@code static}, {@code none-high}, ...)
 */
public record Cell(Ablation ablation, Task task, String backbone, BitWidthPair pair, String scheduler) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public Cell {
        Objects.requireNonNull(ablation, "ablation");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(pair, "pair");
        requireName("backbone", backbone);
        requireName("scheduler", scheduler);
    }

    private static void requireName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("cell " + field + " '" + value
                    + "': expected a lower-case name of letters, digits and '-'");
        }
    }

    /** Stable identifier, used as the golden rows' key: {@code a1/debsum/any-precision/4>3/static}. */
    public String id() {
        return ablation.id() + "/" + task.id() + "/" + backbone + "/" + pair + "/" + scheduler;
    }

    /** How the cell reads in test reports: {@code debsum · any-precision · 4>3 · static}. */
    public String displayName() {
        return task.id() + " · " + backbone + " · " + pair + " · " + scheduler;
    }

    /**
     * The unit of sharding: every finding compares cells of one task and precision pair (A1 within a back-bone,
     * A2 across back-bones), and those cells share most decodes (the full-precision debchat reference, the same
     * back-bone's fixed plans). A shard that holds all of them decodes each plan once and computes every finding
     * among them; only the few decodes shared across pairs (fixed 3 bits in 4>3 and 3>2) may repeat.
     */
    public String shardKey() {
        return task.id() + "/" + pair;
    }

    @Override
    public String toString() {
        return displayName();
    }
}
