package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.Json;
import picocli.CommandLine;

/** The pmpd sub-commands on the fixture model with the fast RTN back-bone and two examples per task. */
@Tag("unit")
class PmpdCommandTest {

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void theSubCommandReadsScheduleAndTheNameCommittedFitsRecordStillRuns() {
        Outcome help = run("--help");
        assertThat(help.out()).contains("  schedule, pmpd ");
        Outcome old = run("pmpd", "run", "--help");
        assertThat(old.code()).as(old.err()).isZero();
        assertThat(old.out()).contains("Usage: pmpd schedule run ");
    }

    /**
     * The fitting commands run end to end on a small calibration and write files their readers take: a learned
     * classifier and a static search; the bits-matched baselines start, and on four prompts fail saying why.
     * (The commands once failed at once: their options, built by hand, lacked the engine's default.)
     */
    @Test
    void theFittingCommandsRunEndToEndAndWriteFilesTheirReadersTake(@TempDir Path dir) throws Exception {
        Path learned = dir.resolve("learned");
        Outcome train = run("schedule", "train-learned", "--device", "cpu", "--backbone", "rtn", "--pairs", "4>3",
                "--prompts", "8", "--task-prompts", "0", "--epochs", "1", "--no-validation-features", "--out",
                learned.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).startsWith("rtn 4>3: 8 examples, labels [");
        Outcome search = run("schedule", "static-search", "--device", "cpu", "--backbone", "rtn", "--pairs", "4>3",
                "--tasks", "debsum", "--calibration-limit", "4", "--grid-points", "2", "--out",
                dir.resolve("static").toString());
        assertThat(search.code()).as(search.err()).isZero();
        assertThat(search.out()).startsWith("rtn debsum 4>3: chosen s = ");
        org.pmpdrepro.pmpd.PrecisionPair pair = org.pmpdrepro.pmpd.PrecisionPair.parse("4>3");
        assertThat(org.pmpdrepro.pmpd.StaticStore.chosen(dir.resolve("static"), "rtn",
                org.pmpdrepro.data.Task.DEBSUM, pair)).isBetween(0, org.pmpdrepro.data.Task.DEBSUM.maxNewTokens());
        // Four prompts are too few to match the bits with seeded random draws: the baselines' fit says so by name.
        Outcome baselines = run("schedule", "static-search", "--device", "cpu", "--backbone", "rtn", "--pairs",
                "4>3", "--tasks", "debsum", "--calibration-limit", "4", "--grid-points", "2", "--out",
                dir.resolve("static2").toString(), "--calibrate-baselines", "--learned-dir", learned.toString(),
                "--baselines-out", dir.resolve("baselines").toString());
        assertThat(baselines.out()).startsWith("rtn debsum 4>3: chosen s = ");
        assertThat(baselines.err()).contains("cannot match the static scheduler's").doesNotContain("\tat ");
        assertThat(org.pmpdrepro.pmpd.LearnedStore.load(learned, "rtn", pair).card().command())
                .startsWith("pmpd schedule train-learned --device cpu --backbone rtn");
    }

    @Test
    void runDecodesATaskWithASchedulerAndWritesOutputsWithTraces(@TempDir Path dir) throws Exception {
        Outcome o = run("schedule", "run", "--device", "cpu", "--backbone", "rtn", "--task", "debsum", "--limit", "2",
                "--pair", "4>3", "--scheduler", "phase-aware-only", "--no-bertscore", "--out", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("average bits 3.0000").contains("rougeL").contains("tokens/s");
        Path cell = dir.resolve("debsum").resolve("4-3").resolve("phase-aware-only");
        assertThat(Files.readAllLines(cell.resolve("outputs.jsonl"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"trace\":[\"4bit\",\"3bit\""));
        assertThat(Files.readString(cell.resolve("summary.json"))).contains("\"model_sha256\"");
    }

    @Test
    void theJavaEngineRunsACellToTheSameTokensAndTracesAsDjl(@TempDir Path dir) throws Exception {
        for (String engine : new String[] {"djl", "java"}) {
            Outcome o = run("schedule", "run", "--device", "cpu", "--backbone", "any-precision", "--task", "debchat",
                    "--limit", "3", "--pair", "4>3", "--scheduler", "static", "--no-bertscore", "--engine", engine,
                    "--out", dir.resolve(engine).toString());
            assertThat(o.code()).as(o.err()).isZero();
        }
        Path cell = Path.of("debchat", "4-3", "static", "outputs.jsonl");
        List<String> reference = Files.readAllLines(dir.resolve("djl").resolve(cell));
        List<String> packed = Files.readAllLines(dir.resolve("java").resolve(cell));
        assertThat(packed).hasSize(3);
        boolean switched = false;
        for (int i = 0; i < reference.size(); i++) {
            JsonNode a = Json.mapper().readTree(packed.get(i));
            JsonNode b = Json.mapper().readTree(reference.get(i));
            assertThat(a.get("raw_output").asText()).isEqualTo(b.get("raw_output").asText()).isNotEmpty();
            assertThat(a.get("trace")).isEqualTo(b.get("trace"));
            switched |= a.get("trace").toString().contains("3bit");
        }
        assertThat(switched).as("some prompt decoded past the static switch point").isTrue();
        assertThat(Files.readString(dir.resolve("java").resolve(cell.resolveSibling("summary.json"))))
                .contains("java cpu");
    }

    @Test
    void theJavaEngineRefusesABackboneWithoutACodedFormNamingTheOnesItServes() {
        Outcome o = run("schedule", "run", "--device", "cpu", "--backbone", "bit-mixer", "--task", "debsum", "--limit",
                "1", "--pair", "3>2", "--scheduler", "none-high", "--no-bertscore", "--engine", "java");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--engine java with --backbone bit-mixer").contains("rtn, gptq and any-precision");
        Outcome unknown = run("schedule", "run", "--task", "debsum", "--pair", "3>2", "--scheduler", "none-high",
                "--engine", "onnx");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--engine: engine 'onnx'; expected one of [djl, java, java-int16]");
        for (String engine : new String[] {"java", "java-int16"}) {
            Outcome gpu = run("schedule", "run", "--device", "gpu", "--task", "debsum", "--pair", "3>2", "--scheduler",
                    "none-high", "--engine", engine);
            assertThat(gpu.code()).as(engine).isEqualTo(2);
            assertThat(gpu.err()).contains("--engine " + engine + " runs on the CPU; give --device cpu or auto");
        }
    }

    @Test
    void tableWritesThePapersLayoutAsMarkdownAndCsv(@TempDir Path dir) throws Exception {
        Outcome o = run("schedule", "table", "--device", "cpu", "--backbone", "rtn", "--limit", "2", "--pairs", "3>2",
                "--tasks", "debsum,debtrans", "--schedulers", "none-high,phase-aware-only,none-matched,confidence",
                "--match", "phase-aware-only", "--no-bertscore", "--out", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        String md = Files.readString(dir.resolve("table.md"));
        assertThat(md).contains("### 3>2").contains("| none-matched |").contains("debtrans sacrebleu");
        assertThat(Files.readAllLines(dir.resolve("table.csv"))).hasSize(1 + 2 * 4);
        assertThat(Files.readString(dir.resolve("table.csv"))).contains("nearest uniform width");
    }

    @Test
    void aMalformedFixtureLineIsAOneLineErrorNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path broken = BrokenFixtures.write(dir);
        Outcome o = run("schedule", "run", "--device", "cpu", "--backbone", "rtn", "--task", "debsum", "--limit", "2",
                "--pair", "4>3", "--scheduler", "none-high", "--no-bertscore", "--fixtures", dir.toString());
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err().strip()).startsWith("pmpd schedule run: error: " + broken + ":2: not valid JSON")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aMalformedPairIsAUsageErrorNamingIt() {
        Outcome o = run("schedule", "run", "--task", "debsum", "--pair", "4-3", "--scheduler", "static");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("'4-3'").contains("HIGH>LOW");
    }

    @Test
    void aScheduleNotFittedOnTheBackboneIsAnErrorNamingTheCommandThatFitsIt() {
        Outcome o = run("schedule", "run", "--device", "cpu", "--backbone", "rtn", "--task", "debsum", "--limit", "2",
                "--pair", "4>3", "--scheduler", "static", "--no-bertscore");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("no static search fitted on back-bone rtn")
                .contains("pmpd schedule static-search --backbone rtn");
    }

    @Test
    void anUnknownSchedulerIsAUsageErrorListingTheKnownOnes() {
        Outcome o = run("schedule", "run", "--task", "debsum", "--scheduler", "oracle");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("'oracle'").contains("none-matched");
    }
}
