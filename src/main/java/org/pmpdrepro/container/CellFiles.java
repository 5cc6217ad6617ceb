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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.io.WrittenFile;

/**
 * The files a cell's run leaves in {@code OUT/<cell id>/}, the half of the job protocol that comes back out of the
 * container:
 * <ul>
 *   <li>{@code outputs.jsonl}: one {@link SampleOutput} per line (id, prompt, reference, output, raw output,
 *       generated token ids, the precision trace, whether it stopped at end-of-sequence);
 *   <li>{@code timings.json}: how the outputs were produced (plan, device, batch size, back-end, model and
 *       fixtures hashes), how long it took, what they are scored against and the weight bytes they cost;
 *   <li>{@code references.jsonl}, only when the outputs are not scored against their samples' own references
 *       (debchat against the full-precision outputs): one JSON string per sample;
 *   <li>{@code done.json}, written last: the cell and the SHA-256 of each other file. A directory without it
 *       is a cell that did not finish; one whose hashes disagree was damaged on the way back.
 * </ul>
 * Reading is strict: a missing or unknown field, a wrong type or an inconsistent count is an error naming the file
 * and the field.
 */
public final class CellFiles {

    public static final String OUTPUTS = "outputs.jsonl";
    public static final String TIMINGS = "timings.json";
    public static final String REFERENCES = "references.jsonl";
    public static final String DONE = "done.json";

    /** Every file name a cell may leave, in the order they are written; {@link #DONE} last. */
    public static final List<String> ALL = List.of(OUTPUTS, TIMINGS, REFERENCES, DONE);

    private static final Set<String> TIMINGS_FIELDS = Set.of("cell", "task", "plan", "batchSize", "device",
            "samples", "generatedTokens", "decodeSeconds", "tokensPerSecond", "averageBits", "prepareSeconds",
            "referencesLabel", "bytesPerToken", "residentBytes", "decodeShared", "backend", "modelSha256",
            "fixturesSha256");
    private static final Set<String> CELL_FIELDS = Set.of("id", "ablation", "task", "backbone", "pair",
            "scheduler");

    private static final ObjectMapper JSON = Json.mapper();
    private static final ObjectMapper PRETTY = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CellFiles() {}

    /** The directory of {@code cell} under a job's output directory. */
    public static Path directory(Path jobOut, JobCell cell) {
        return jobOut.resolve(cell.id());
    }

    /** Writes the files of {@code run} under {@code jobOut}, each atomically, {@code done.json} last. */
    public static Path write(Path jobOut, CellRun run) {
        Path dir = directory(jobOut, run.cell());
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put(OUTPUTS, lines(dir.resolve(OUTPUTS), run.outputs().samples()).sha256());
        hashes.put(TIMINGS, AtomicFiles.writeString(dir.resolve(TIMINGS), pretty(timings(run))).sha256());
        if (!run.scoredAgainstDataset()) {
            hashes.put(REFERENCES, lines(dir.resolve(REFERENCES), run.references().texts()).sha256());
        }
        ObjectNode done = PRETTY.createObjectNode();
        ObjectNode cell = done.putObject("cell");
        cell.put("id", run.cell().id());
        cell.put("ablation", run.cell().ablation());
        cell.put("task", run.cell().task().id());
        cell.put("backbone", run.cell().backbone());
        cell.put("pair", run.cell().pair().fileLabel());
        cell.put("scheduler", run.cell().scheduler());
        ObjectNode sha = done.putObject("sha256");
        hashes.forEach(sha::put);
        AtomicFiles.writeString(dir.resolve(DONE), pretty(done));
        return dir;
    }

    private static ObjectNode timings(CellRun run) {
        TaskOutputs o = run.outputs();
        ObjectNode t = PRETTY.createObjectNode();
        t.put("cell", run.cell().id());
        t.put("task", o.task().id());
        t.put("plan", o.plan());
        t.put("batchSize", o.batchSize());
        t.put("device", o.device());
        t.put("samples", o.size());
        t.put("generatedTokens", o.generatedTokens());
        putFinite(t, "decodeSeconds", o.seconds());
        putFinite(t, "tokensPerSecond", o.tokensPerSecond());
        putFinite(t, "averageBits", o.averageBits());
        putFinite(t, "prepareSeconds", run.prepareSeconds());
        t.put("referencesLabel", run.references().label());
        putFinite(t, "bytesPerToken", run.accounting().bytesPerToken());
        putFinite(t, "residentBytes", run.accounting().residentBytes());
        t.put("decodeShared", run.accounting().decodeShared());
        t.put("backend", run.origin().backend());
        t.put("modelSha256", run.origin().modelSha256());
        t.put("fixturesSha256", run.origin().fixturesSha256());
        return t;
    }

    /** One JSON value per line. */
    private static WrittenFile lines(Path file, List<?> values) {
        return AtomicFiles.writeLines(file, sink -> {
            for (Object v : values) {
                sink.line(JSON.writeValueAsString(v));
            }
        });
    }

    /**
     * The files {@code done.json} lists for its cell, itself last: what to copy back out of a container.
     *
     * @throws IOException when {@code done} is not a cell's {@code done.json}; the message names the field
     */
    public static List<String> listed(Path done) throws IOException {
        List<String> names = new ArrayList<>(hashes(done, tree(done)).keySet());
        names.add(DONE);
        return names;
    }

    /**
     * Reads back what {@link #write} left for {@code cell} under {@code jobOut}.
     *
     * @throws IOException when the cell did not finish ({@code done.json} missing), a file is damaged (its hash
     *     disagrees with {@code done.json}) or malformed; the message names the file and the field
     */
    public static CellRun read(Path jobOut, JobCell cell) throws IOException {
        Path dir = directory(jobOut, cell);
        Path donePath = dir.resolve(DONE);
        if (!Files.isRegularFile(donePath)) {
            throw new IOException("cell " + cell.id() + " did not finish: no " + DONE + " in " + dir);
        }
        JsonNode done = tree(donePath);
        Map<String, String> hashes = hashes(donePath, done);
        String recorded = strict(() -> new JsonFields(donePath.toString(), "cell.", done.get("cell"), CELL_FIELDS)
                .string("id", null));
        if (!recorded.equals(cell.id())) {
            throw new IOException(donePath + ": cell.id '" + recorded + "', expected '" + cell.id() + "'");
        }
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            String actual = Hashes.sha256Hex(dir.resolve(e.getKey()));
            if (!actual.equals(e.getValue())) {
                throw new IOException(dir.resolve(e.getKey()) + ": SHA-256 " + actual + ", but " + donePath
                        + " records '" + e.getValue() + "'");
            }
        }
        List<SampleOutput> samples = jsonLines(dir.resolve(OUTPUTS), SampleOutput.class, "a sample output");
        Path timingsPath = dir.resolve(TIMINGS);
        JsonNode timings = tree(timingsPath);
        return strict(() -> fromTimings(dir, cell, samples, timings, hashes.containsKey(REFERENCES)));
    }

    private static CellRun fromTimings(Path dir, JobCell cell, List<SampleOutput> samples, JsonNode node,
            boolean hasReferences) throws IOException {
        Path file = dir.resolve(TIMINGS);
        if (!node.isObject()) {
            throw new IOException(file + ": expected a JSON object with fields " + TIMINGS_FIELDS);
        }
        JsonFields t = new JsonFields(file.toString(), "", node, TIMINGS_FIELDS);
        expect(file, "cell", t.string("cell", null), cell.id());
        expect(file, "task", t.string("task", null), cell.task().id());
        int count = t.requiredInteger("samples");
        if (count != samples.size()) {
            throw new IOException(file + ": samples " + count + ", but " + dir.resolve(OUTPUTS) + " has "
                    + samples.size() + " lines");
        }
        TaskOutputs outputs = new TaskOutputs(cell.task(), samples, t.string("plan", null),
                t.requiredInteger("batchSize"), t.string("device", null), t.requiredLong("generatedTokens"),
                t.number("decodeSeconds"), t.number("tokensPerSecond"), t.number("averageBits"));
        String label = t.string("referencesLabel", null);
        References references;
        if (hasReferences) {
            List<String> texts = jsonLines(dir.resolve(REFERENCES), String.class, "a JSON string");
            if (texts.size() != samples.size()) {
                throw new IOException(dir.resolve(REFERENCES) + ": " + texts.size() + " references for "
                        + samples.size() + " samples");
            }
            references = new References(label, texts);
        } else {
            references = References.dataset(outputs);
            if (!label.equals(references.label())) {
                throw new IOException(file + ": referencesLabel '" + label + "', but without " + REFERENCES
                        + " the outputs are scored against their own references, '" + references.label() + "'");
            }
        }
        return new CellRun(cell, outputs, t.number("prepareSeconds"), references,
                new CellRun.Accounting(t.number("bytesPerToken"), t.number("residentBytes"), t.flag("decodeShared")),
                new CellRun.Origin(t.string("backend", null), t.string("modelSha256", null),
                        t.string("fixturesSha256", null)));
    }

    /** One {@code type} per line of a JSON-lines file; errors name file and line. */
    private static <T> List<T> jsonLines(Path file, Class<T> type, String what) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<T> values = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            T value;
            try {
                value = JSON.readValue(lines.get(i), type);
            } catch (JsonProcessingException e) {
                throw new IOException(file + ", line " + (i + 1) + ": not " + what + " (" + e.getOriginalMessage()
                        + ")", e);
            }
            if (value == null) {
                throw new IOException(file + ", line " + (i + 1) + ": null; expected " + what);
            }
            values.add(value);
        }
        return values;
    }

    private static Map<String, String> hashes(Path donePath, JsonNode done) throws IOException {
        return strict(() -> {
            if (!done.isObject()) {
                throw new IOException(donePath + ": expected a JSON object with fields cell and sha256");
            }
            JsonFields top = new JsonFields(donePath.toString(), "", done, Set.of("cell", "sha256"));
            JsonNode cell = top.required("cell");
            if (!cell.isObject()) {
                throw new IOException(donePath + ": cell: expected an object, found " + cell);
            }
            JsonNode sha = top.required("sha256");
            if (!sha.isObject()) {
                throw new IOException(donePath + ": sha256: expected an object, found " + sha);
            }
            JsonFields files = new JsonFields(donePath.toString(), "sha256.", sha, Set.of(OUTPUTS, TIMINGS,
                    REFERENCES));
            Map<String, String> out = new LinkedHashMap<>();
            for (String name : ALL) {
                boolean required = name.equals(OUTPUTS) || name.equals(TIMINGS);
                if (required || sha.has(name)) {
                    out.put(name, files.string(name, null));
                }
            }
            return out;
        });
    }

    private static void expect(Path file, String field, String actual, String expected) throws IOException {
        if (!actual.equals(expected)) {
            throw new IOException(file + ": " + field + " '" + actual + "', expected '" + expected + "'");
        }
    }

    private interface Parse<T> {
        T get() throws IOException;
    }

    /** Turns a field error of {@link JsonFields} into the I/O error a damaged file is. */
    private static <T> T strict(Parse<T> parse) throws IOException {
        try {
            return parse.get();
        } catch (JobSpecException e) {
            throw new IOException(e.getMessage(), e);
        }
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

    private static String pretty(ObjectNode node) {
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + node, e);
        }
    }
}
