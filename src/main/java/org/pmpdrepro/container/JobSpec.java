package org.pmpdrepro.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
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
 * {@code intraOpThreads} (0 = the engine's default) are optional. Parsing is strict: an unknown field, a wrong type
 * or a bad value is a {@link JobSpecException} naming it.
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

    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_FIELDS = Set.of("jobId", "cells", "limit", "device", "batchSize",
            "intraOpThreads");
    private static final Set<String> CELL_FIELDS = Set.of("ablation", "task", "backbone", "pair", "scheduler");

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

    /** Parses the JSON form; {@code source} names where it came from in error messages. */
    public static JobSpec parse(String source, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JobSpecException(source, "$", "not JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new JobSpecException(source, "$", "expected a JSON object with fields " + TOP_FIELDS);
        }
        JsonFields top = new JsonFields(source, "", root, TOP_FIELDS);
        JsonNode cellsNode = top.required("cells");
        if (!cellsNode.isArray()) {
            throw new JobSpecException(source, "cells", "expected an array of cells, found " + cellsNode);
        }
        List<JobCell> cells = new ArrayList<>();
        for (int i = 0; i < cellsNode.size(); i++) {
            cells.add(parseCell(source, "cells[" + i + "].", cellsNode.get(i)));
        }
        String jobId = top.string("jobId", null);
        DeviceChoice device = top.parsed("device", "auto", DeviceChoice::parse);
        int limit = top.integer("limit", 0);
        int batchSize = top.integer("batchSize", TaskRun.DEFAULT_BATCH_SIZE);
        int intraOpThreads = top.integer("intraOpThreads", 0);
        try {
            return new JobSpec(jobId, cells, limit, device, batchSize, intraOpThreads);
        } catch (JobSpecException e) {
            throw e.from(source);
        }
    }

    private static JobCell parseCell(String source, String prefix, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new JobSpecException(source, prefix.substring(0, prefix.length() - 1),
                    "expected an object with fields " + CELL_FIELDS + ", found " + node);
        }
        JsonFields f = new JsonFields(source, prefix, node, CELL_FIELDS);
        String ablation = f.name("ablation");
        Task task = f.parsed("task", null, Task::fromId);
        String backbone = f.name("backbone");
        BitWidthPair pair = f.parsed("pair", null, BitWidthPair::parse);
        String scheduler = f.name("scheduler");
        return new JobCell(ablation, task, backbone, pair, scheduler);
    }

    /** The JSON form that {@link #parse} reads back to an equal specification. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("jobId", jobId);
        root.put("device", device.name().toLowerCase(Locale.ROOT));
        root.put("limit", limit);
        root.put("batchSize", batchSize);
        root.put("intraOpThreads", intraOpThreads);
        ArrayNode array = root.putArray("cells");
        for (JobCell c : cells) {
            ObjectNode cell = array.addObject();
            cell.put("ablation", c.ablation());
            cell.put("task", c.task().id());
            cell.put("backbone", c.backbone());
            cell.put("pair", c.pair().fileLabel());
            cell.put("scheduler", c.scheduler());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise job " + jobId, e);
        }
    }

    /** Writes {@link #toJson()} to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeText(file, toJson());
    }
}
