package org.pmpdrepro.container;

import java.util.Objects;
import java.util.regex.Pattern;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

/**
 * One ablation cell as the job protocol carries it: plain names, so that the container side does not depend on
 * the suite's types. Which names an executor understands is its business ({@link JobCellExecutor}).
 *
 * @param ablation the ablation the cell belongs to ({@code A1}, {@code A2}); recorded, not interpreted
 * @param task the task id ({@code debsum}, {@code debtrans}, {@code debchat})
 * @param backbone the quantization back-bone ({@code any-precision}, {@code rtn}, ...)
 * @param pair the precision pair, spelt {@code 4-3} in the id and the job specification
 * @param scheduler the scheduler ({@code none-high}, {@code none-low}, {@code phase-aware-only}, ...)
 */
public record JobCell(String ablation, Task task, String backbone, BitWidthPair pair, String scheduler) {

    /** Names become directory names, so they are restricted to a portable alphabet. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public JobCell {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(pair, "pair");
        for (String[] field : new String[][] {{"ablation", ablation}, {"backbone", backbone},
            {"scheduler", scheduler}}) {
            if (field[1] == null || !NAME.matcher(field[1]).matches()) {
                throw new IllegalArgumentException(field[0] + " '" + field[1] + "': expected 1-64 characters of"
                        + " letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
        }
    }

    /** A name unique within a job's cells and usable as a directory name: {@code A1-debsum-rtn-4-3-none-high}. */
    public String id() {
        return String.join("-", ablation, task.id(), backbone, pair.fileLabel(), scheduler);
    }
}
