package org.pmpdrepro.container;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;

/**
 * What one container (or one in-process {@code run-job}) is asked to do: a list of cells decoded on the fixture
 * prompts of their tasks. The JSON form, which travels into the container as a file:
 *
 * <pre>{@code
 * {"jobId": "ci-a1", "device": "cpu", "limit": 8, "batchSize": 32, "intraOpThreads": 1,
 *  "cells": [{"ablation": "A1", "task": "debsum", "backbone": "rtn", "pair": "4-3", "scheduler": "none-high"}]}
 * }</pre>
 *
 * {@code limit} (0 = every prompt), {@code device} ({@code auto|cpu|gpu}), {@code batchSize} and
 * {@code intraOpThreads} (0 = the engine's default) are optional (absent or null: the default). Parsing is strict
 * ({@link JsonBinding}): an unknown field, a wrong type or a bad value is a {@link JobSpecException} naming it by its
 * JSON path.
 *
 * @param jobId a name for the job, used in logs and result files
 * @param cells the cells, at least one, with distinct {@link JobCell#id() ids}
 * @param limit the first {@code limit} prompts of each task's test split, 0 for all
 * @param device where to decode
 * @param batchSize prompts decoded together (outputs depend on it through padding, so both runners must agree)
 * @param intraOpThreads PyTorch intra-op threads (the order of floating-point sums depends on it), 0 for the
 *     engine's default
 */
public record JobSpec(String jobId, List<JobCell> cells, int limit, DeviceChoice device, int batchSize,
        int intraOpThreads) {

    /** The name of the specification file inside a job's working directory. */
    public static final String FILE_NAME = "job.json";

    public JobSpec {
        Objects.requireNonNull(device, "device");
        cells = List.copyOf(cells);
        String where = "job " + jobId;
        if (jobId == null || !JobCell.NAME.matcher(jobId).matches()) {
            throw new JobSpecException(where, "jobId", "'" + jobId + "': expected 1-64 characters of letters,"
                    + " digits, '.', '_' or '-'");
        }
        if (cells.isEmpty()) {
            throw new JobSpecException(where, "cells", "empty; expected at least one cell");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cells.size(); i++) {
            if (!ids.add(cells.get(i).id())) {
                throw new JobSpecException(where, "cells[" + i + "]", "repeats cell " + cells.get(i).id());
            }
        }
        if (limit < 0) {
            throw new JobSpecException(where, "limit", limit + ": expected 0 (every prompt) or a positive count");
        }
        if (batchSize < 1) {
            throw new JobSpecException(where, "batchSize", batchSize + ": expected at least 1");
        }
        if (intraOpThreads < 0) {
            throw new JobSpecException(where, "intraOpThreads", intraOpThreads
                    + ": expected 0 (the engine's default) or a positive count");
        }
    }

    /**
     * A job with the defaults: every prompt, device {@code auto}, the task run's default batch size, the engine's
     * thread count.
     */
    public static JobSpec of(String jobId, List<JobCell> cells) {
        return new JobSpec(jobId, cells, 0, DeviceChoice.AUTO, TaskRun.DEFAULT_BATCH_SIZE, 0);
    }

    /** This job's settings for other cells under another id (a shard of it). */
    public JobSpec withCells(String newJobId, List<JobCell> newCells) {
        return new JobSpec(newJobId, newCells, limit, device, batchSize, intraOpThreads);
    }

    public JobSpec withLimit(int newLimit) {
        return new JobSpec(jobId, cells, newLimit, device, batchSize, intraOpThreads);
    }

    public JobSpec withDevice(DeviceChoice newDevice) {
        return new JobSpec(jobId, cells, limit, newDevice, batchSize, intraOpThreads);
    }

    public JobSpec withBatchSize(int newBatchSize) {
        return new JobSpec(jobId, cells, limit, device, newBatchSize, intraOpThreads);
    }

    public JobSpec withIntraOpThreads(int newIntraOpThreads) {
        return new JobSpec(jobId, cells, limit, device, batchSize, newIntraOpThreads);
    }

    /** Reads a specification file; errors name {@code file}. */
    public static JobSpec read(Path file) throws IOException {
        String json;
        try {
            json = Utf8.read(file);
        } catch (Utf8.MalformedException e) {
            throw new JobSpecException(file.toString(), "$", e.getMessage());
        }
        return parse(file.toString(), json);
    }

    /** The file's form, bound strictly ({@link JsonBinding}); the optional fields bind null when absent. */
    @JsonPropertyOrder({"jobId", "device", "limit", "batchSize", "intraOpThreads", "cells"})
    record File(String jobId, @JsonBinding.MayBeAbsent String device, @JsonBinding.MayBeAbsent Integer limit,
            @JsonBinding.MayBeAbsent Integer batchSize, @JsonBinding.MayBeAbsent Integer intraOpThreads,
            List<Cell> cells) {}

    /** One cell of the file. */
    @JsonPropertyOrder({"ablation", "task", "backbone", "pair", "scheduler"})
    record Cell(String ablation, String task, String backbone, String pair, String scheduler) {}

    /** Parses the JSON form; {@code source} names where it came from in error messages. */
    public static JobSpec parse(String source, String json) {
        File f;
        try {
            f = JsonBinding.parse(json, File.class);
        } catch (JsonBinding.Refused e) {
            throw new JobSpecException(source, e.path(), e.problem());
        }
        List<JobCell> cells = new ArrayList<>();
        for (int i = 0; i < f.cells().size(); i++) {
            cells.add(cell(source, "cells[" + i + "].", f.cells().get(i)));
        }
        DeviceChoice device = parsed(source, "device", f.device() == null ? "auto" : f.device(), DeviceChoice::parse);
        try {
            return new JobSpec(f.jobId(), cells, orDefault(f.limit(), 0), device,
                    orDefault(f.batchSize(), TaskRun.DEFAULT_BATCH_SIZE), orDefault(f.intraOpThreads(), 0));
        } catch (JobSpecException e) {
            throw e.from(source);
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static JobCell cell(String source, String prefix, Cell c) {
        return new JobCell(name(source, prefix + "ablation", c.ablation()),
                parsed(source, prefix + "task", c.task(), Task::fromId),
                name(source, prefix + "backbone", c.backbone()),
                parsed(source, prefix + "pair", c.pair(), BitWidthPair::parse),
                name(source, prefix + "scheduler", c.scheduler()));
    }

    /** A value that becomes part of a directory name, so must be a portable name. */
    private static String name(String source, String field, String value) {
        if (!JobCell.NAME.matcher(value).matches()) {
            throw new JobSpecException(source, field, "'" + value + "': expected 1-64 characters of letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** {@code text} turned into a value by {@code parser}, whose IllegalArgumentException says what is expected. */
    private static <T> T parsed(String source, String field, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new JobSpecException(source, field, e.getMessage());
        }
    }

    /** The JSON form that {@link #parse} reads back to an equal specification. */
    public String toJson() {
        List<Cell> written = new ArrayList<>();
        for (JobCell c : cells) {
            written.add(new Cell(c.ablation(), c.task().id(), c.backbone(), c.pair().fileLabel(), c.scheduler()));
        }
        return JsonBinding.write(new File(jobId, device.name().toLowerCase(Locale.ROOT), limit, batchSize,
                intraOpThreads, written));
    }

    /** Writes {@link #toJson()} to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeText(file, toJson());
    }
}
