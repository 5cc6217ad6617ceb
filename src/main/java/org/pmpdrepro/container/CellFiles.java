package org.pmpdrepro.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.WrittenFile;

/**
 * The files a cell's run leaves in {@code OUT/<cell id>/}, the half of the job protocol that comes back out of the
 * container:
 * <ul>
 *   <li>{@code outputs.jsonl}: one {@link SampleOutput} per line (id, prompt, reference, output, raw output,
 *       generated token ids, the precision trace, whether it stopped at end-of-sequence);
 *   <li>{@code timings.json}: how the outputs were produced and how long it took;
 *   <li>{@code done.json}, written last: the cell and the SHA-256 of the two other files. A directory without it
 *       is a cell that did not finish; one whose hashes disagree was damaged on the way back.
 * </ul>
 */
public final class CellFiles {

    public static final String OUTPUTS = "outputs.jsonl";
    public static final String TIMINGS = "timings.json";
    public static final String DONE = "done.json";

    /** The file names in the order they are written; {@link #DONE} last. */
    public static final List<String> ALL = List.of(OUTPUTS, TIMINGS, DONE);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CellFiles() {}

    /** The directory of {@code cell} under a job's output directory. */
    public static Path directory(Path jobOut, JobCell cell) {
        return jobOut.resolve(cell.id());
    }

    /** Writes the three files of {@code run} under {@code jobOut}, each atomically, {@code done.json} last. */
    public static Path write(Path jobOut, CellRun run) {
        Path dir = directory(jobOut, run.cell());
        WrittenFile outputs = AtomicFiles.writeLines(dir.resolve(OUTPUTS), sink -> {
            for (SampleOutput s : run.outputs().samples()) {
                sink.line(JSON.writeValueAsString(s));
            }
        });
        TaskOutputs o = run.outputs();
        ObjectNode timings = PRETTY.createObjectNode();
        timings.put("cell", run.cell().id());
        timings.put("task", o.task().id());
        timings.put("plan", o.plan());
        timings.put("batchSize", o.batchSize());
        timings.put("device", o.device());
        timings.put("samples", o.size());
        timings.put("generatedTokens", o.generatedTokens());
        putFinite(timings, "decodeSeconds", o.seconds());
        putFinite(timings, "tokensPerSecond", o.tokensPerSecond());
        putFinite(timings, "averageBits", o.averageBits());
        putFinite(timings, "prepareSeconds", run.prepareSeconds());
        WrittenFile timingsFile = AtomicFiles.writeString(dir.resolve(TIMINGS), pretty(timings));
        ObjectNode done = PRETTY.createObjectNode();
        ObjectNode cell = done.putObject("cell");
        cell.put("id", run.cell().id());
        cell.put("ablation", run.cell().ablation());
        cell.put("task", run.cell().task().id());
        cell.put("backbone", run.cell().backbone());
        cell.put("pair", run.cell().pair().toString());
        cell.put("scheduler", run.cell().scheduler());
        ObjectNode hashes = done.putObject("sha256");
        hashes.put(OUTPUTS, outputs.sha256());
        hashes.put(TIMINGS, timingsFile.sha256());
        AtomicFiles.writeString(dir.resolve(DONE), pretty(done));
        return dir;
    }

    /**
     * Reads back what {@link #write} left for {@code cell} under {@code jobOut}.
     *
     * @throws IOException when the cell did not finish ({@code done.json} missing), a file is damaged (its hash
     *     disagrees with {@code done.json}) or malformed; the message names the file
     */
    public static CellRun read(Path jobOut, JobCell cell) throws IOException {
        Path dir = directory(jobOut, cell);
        Path donePath = dir.resolve(DONE);
        if (!Files.isRegularFile(donePath)) {
            throw new IOException("cell " + cell.id() + " did not finish: no " + DONE + " in " + dir);
        }
        JsonNode done = tree(donePath);
        String recorded = done.path("cell").path("id").asText();
        if (!recorded.equals(cell.id())) {
            throw new IOException(donePath + ": cell.id '" + recorded + "', expected '" + cell.id() + "'");
        }
        for (String name : List.of(OUTPUTS, TIMINGS)) {
            String expected = done.path("sha256").path(name).asText();
            String actual = Hashes.sha256Hex(dir.resolve(name));
            if (!actual.equals(expected)) {
                throw new IOException(dir.resolve(name) + ": SHA-256 " + actual + ", but " + donePath + " records '"
                        + expected + "'");
            }
        }
        List<SampleOutput> samples = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve(OUTPUTS), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            try {
                samples.add(JSON.readValue(lines.get(i), SampleOutput.class));
            } catch (JsonProcessingException e) {
                throw new IOException(dir.resolve(OUTPUTS) + ", line " + (i + 1) + ": not a sample output ("
                        + e.getOriginalMessage() + ")", e);
            }
        }
        Path timingsPath = dir.resolve(TIMINGS);
        JsonNode t = tree(timingsPath);
        TaskOutputs outputs = new TaskOutputs(cell.task(), samples, t.path("plan").asText(),
                t.path("batchSize").asInt(), t.path("device").asText(), t.path("generatedTokens").asLong(),
                finite(t, "decodeSeconds"), finite(t, "tokensPerSecond"), finite(t, "averageBits"));
        return new CellRun(cell, outputs, finite(t, "prepareSeconds"));
    }

    private static JsonNode tree(Path file) throws IOException {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** JSON has no NaN: a value that is not finite (average bits with no decode step) is written as null. */
    private static void putFinite(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static double finite(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    private static String pretty(ObjectNode node) {
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + node, e);
        }
    }
}
