package org.pmpdrepro.container;

import static org.pmpdrepro.io.JsonBinding.finiteOrNull;
import static org.pmpdrepro.io.JsonBinding.nanIfNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.JsonBinding;
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
 * Reading is strict ({@link JsonBinding}): a missing or unknown field, a wrong type or an inconsistent count is an
 * error naming the file and the field by its JSON path.
 */
public final class CellFiles {

    public static final String OUTPUTS = "outputs.jsonl";
    public static final String TIMINGS = "timings.json";
    public static final String REFERENCES = "references.jsonl";
    public static final String DONE = "done.json";

    /** Every file name a cell may leave, in the order they are written; {@link #DONE} last. */
    public static final List<String> ALL = List.of(OUTPUTS, TIMINGS, REFERENCES, DONE);

    /** {@code done.json}: the cell and the SHA-256 of each other file. */
    record Done(DoneCell cell, Hashes256 sha256) {}

    /** The cell a {@code done.json} is for. */
    record DoneCell(String id, String ablation, String task, String backbone, String pair, String scheduler) {}

    /** The SHA-256 of each file the cell left; {@code references.jsonl} only where there is one. */
    @JsonPropertyOrder({OUTPUTS, TIMINGS, REFERENCES})
    record Hashes256(@JsonProperty(OUTPUTS) String outputs, @JsonProperty(TIMINGS) String timings,
            @JsonProperty(REFERENCES) @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            String references) {

        Map<String, String> byFile() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(OUTPUTS, outputs);
            m.put(TIMINGS, timings);
            if (references != null) {
                m.put(REFERENCES, references);
            }
            return m;
        }
    }

    /** {@code timings.json}; a number that is not finite is written as null (JSON has no NaN). */
    @JsonPropertyOrder({"cell", "task", "plan", "batchSize", "device", "samples", "generatedTokens", "decodeSeconds",
        "tokensPerSecond", "averageBits", "prepareSeconds", "referencesLabel", "bytesPerToken", "residentBytes",
        "decodeShared", "backend", "modelSha256", "fixturesSha256"})
    record Timings(String cell, String task, String plan, int batchSize, String device, int samples,
            long generatedTokens, @JsonBinding.MayBeNull Double decodeSeconds,
            @JsonBinding.MayBeNull Double tokensPerSecond, @JsonBinding.MayBeNull Double averageBits,
            @JsonBinding.MayBeNull Double prepareSeconds, String referencesLabel,
            @JsonBinding.MayBeNull Double bytesPerToken, @JsonBinding.MayBeNull Double residentBytes,
            boolean decodeShared, String backend, String modelSha256, String fixturesSha256) {}

    private CellFiles() {}

    /** The directory of {@code cell} under a job's output directory. */
    public static Path directory(Path jobOut, JobCell cell) {
        return jobOut.resolve(cell.id());
    }

    /** Writes the files of {@code run} under {@code jobOut}, each atomically, {@code done.json} last. */
    public static Path write(Path jobOut, CellRun run) {
        Path dir = directory(jobOut, run.cell());
        String outputs = lines(dir.resolve(OUTPUTS), run.outputs().samples()).sha256();
        String timings = AtomicFiles.writeString(dir.resolve(TIMINGS), JsonBinding.write(timings(run))).sha256();
        String references = run.scoredAgainstDataset() ? null
                : lines(dir.resolve(REFERENCES), run.references().texts()).sha256();
        JobCell c = run.cell();
        Done done = new Done(new DoneCell(c.id(), c.ablation(), c.task().id(), c.backbone(), c.pair().fileLabel(),
                c.scheduler()), new Hashes256(outputs, timings, references));
        AtomicFiles.writeString(dir.resolve(DONE), JsonBinding.write(done));
        return dir;
    }

    private static Timings timings(CellRun run) {
        TaskOutputs o = run.outputs();
        return new Timings(run.cell().id(), o.task().id(), o.plan(), o.batchSize(), o.device(), o.size(),
                o.generatedTokens(), finiteOrNull(o.seconds()), finiteOrNull(o.tokensPerSecond()),
                finiteOrNull(o.averageBits()), finiteOrNull(run.prepareSeconds()), run.references().label(),
                finiteOrNull(run.accounting().bytesPerToken()), finiteOrNull(run.accounting().residentBytes()),
                run.accounting().decodeShared(), run.origin().backend(), run.origin().modelSha256(),
                run.origin().fixturesSha256());
    }

    /** One JSON value per line. */
    private static WrittenFile lines(Path file, List<?> values) {
        return AtomicFiles.writeLines(file, sink -> {
            for (Object v : values) {
                sink.line(JsonBinding.writeLine(v));
            }
        });
    }

    /**
     * The files {@code done.json} lists for its cell, itself last: what to copy back out of a container.
     *
     * @throws IOException when {@code done} is not a cell's {@code done.json}; the message names the field
     */
    public static List<String> listed(Path done) throws IOException {
        List<String> names = new ArrayList<>(JsonBinding.read(done, Done.class).sha256().byFile().keySet());
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
        Done done = JsonBinding.read(donePath, Done.class);
        if (!done.cell().id().equals(cell.id())) {
            throw new IOException(donePath + ": cell.id '" + done.cell().id() + "', expected '" + cell.id() + "'");
        }
        Map<String, String> hashes = done.sha256().byFile();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            String actual = Hashes.sha256Hex(dir.resolve(e.getKey()));
            if (!actual.equals(e.getValue())) {
                throw new IOException(dir.resolve(e.getKey()) + ": SHA-256 " + actual + ", but " + donePath
                        + " records '" + e.getValue() + "'");
            }
        }
        List<SampleOutput> samples = jsonLines(dir.resolve(OUTPUTS), SampleOutput.class);
        return fromTimings(dir, cell, samples, JsonBinding.read(dir.resolve(TIMINGS), Timings.class),
                hashes.containsKey(REFERENCES));
    }

    private static CellRun fromTimings(Path dir, JobCell cell, List<SampleOutput> samples, Timings t,
            boolean hasReferences) throws IOException {
        Path file = dir.resolve(TIMINGS);
        expect(file, "cell", t.cell(), cell.id());
        expect(file, "task", t.task(), cell.task().id());
        if (t.samples() != samples.size()) {
            throw new IOException(file + ": samples " + t.samples() + ", but " + dir.resolve(OUTPUTS) + " has "
                    + samples.size() + " lines");
        }
        TaskOutputs outputs = new TaskOutputs(cell.task(), samples, t.plan(), t.batchSize(), t.device(),
                t.generatedTokens(), nanIfNull(t.decodeSeconds()), nanIfNull(t.tokensPerSecond()),
                nanIfNull(t.averageBits()));
        String label = t.referencesLabel();
        References references;
        if (hasReferences) {
            List<String> texts = jsonLines(dir.resolve(REFERENCES), String.class);
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
        try {
            return new CellRun(cell, outputs, nanIfNull(t.prepareSeconds()), references,
                    new CellRun.Accounting(nanIfNull(t.bytesPerToken()), nanIfNull(t.residentBytes()),
                            t.decodeShared()),
                    new CellRun.Origin(t.backend(), t.modelSha256(), t.fixturesSha256()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** One {@code type} per line of a JSON-lines file; errors name the file, the line and the JSON path. */
    private static <T> List<T> jsonLines(Path file, Class<T> type) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<T> values = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                values.add(JsonBinding.parse(lines.get(i), type));
            } catch (JsonBinding.Refused e) {
                throw new IOException(file + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return values;
    }

    private static void expect(Path file, String field, String actual, String expected) throws IOException {
        if (!actual.equals(expected)) {
            throw new IOException(file + ": " + field + " '" + actual + "', expected '" + expected + "'");
        }
    }
}
