package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.model.ModelIdentity;

/** Result directories: parseable JSONL and JSON with scores, signatures and provenance, and a summary table. */
@Tag("unit")
class ResultsWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A debtrans result without a model: outputs crafted, one equal to its reference, one average-bits NaN. */
    static TaskResult craftedResult() {
        List<TaskExample> ex = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBTRANS, Split.TEST).subList(0, 4);
        List<SampleOutput> samples = List.of(
                new SampleOutput(ex.get(0).id(), ex.get(0).prompt(), ex.get(0).reference(), ex.get(0).reference(),
                        " " + ex.get(0).reference() + "\nPackage: x", List.of(5, 6, 7), List.of("fp16", "fp16", "fp16"),
                        false),
                new SampleOutput(ex.get(1).id(), ex.get(1).prompt(), ex.get(1).reference(), "This package", " This package",
                        List.of(8, 9), List.of("fp16", "fp16", "fp16"), true),
                new SampleOutput(ex.get(2).id(), ex.get(2).prompt(), ex.get(2).reference(), "", "",
                        List.of(), List.of("fp16"), true),
                new SampleOutput(ex.get(3).id(), ex.get(3).prompt(), ex.get(3).reference(), "with \"quotes\" \t and tab",
                        "with \"quotes\" \t and tab", List.of(10), List.of("fp16"), false));
        TaskOutputs outputs = new TaskOutputs(Task.DEBTRANS, samples, "fixed fp16", 2, "cpu()", 8, 0.5, 16.0, 16.0);
        TaskScorer scorer = new TaskScorer(TaskScorer.Config.defaults().withBertScore(false));
        References refs = References.dataset(outputs);
        List<BaselineResult> baselines = TrivialBaselines.forTask(ex, 1L).stream()
                .map(b -> new BaselineResult(b, scorer.score(b))).toList();
        return new TaskResult(Split.TEST, outputs, refs, scorer.score(outputs, refs), baselines);
    }

    static Provenance provenance() {
        return new Provenance(new ModelIdentity("fixtures/model", Map.of("config.json", "ab".repeat(32)), "cd".repeat(32)),
                "fixtures/tasks", "ef".repeat(32));
    }

    @Test
    void outputsJsonlHasOneParseableLinePerSampleInOrder() throws IOException {
        TaskResult r = craftedResult();
        ResultsWriter.write(dir, provenance(), List.of(r));
        List<String> lines = Files.readAllLines(dir.resolve("debtrans").resolve(ResultsWriter.OUTPUTS));
        assertThat(lines).hasSize(4);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            SampleOutput s = r.outputs().samples().get(i);
            assertThat(line.get("id").asText()).isEqualTo(s.id());
            assertThat(line.get("output").asText()).isEqualTo(s.output());
            assertThat(line.get("reference").asText()).isEqualTo(s.reference());
            assertThat(line.get("raw_output").asText()).isEqualTo(s.rawOutput());
            assertThat(JSON.convertValue(line.get("trace"), List.class)).isEqualTo(s.trace());
            assertThat(line.get("tokens").asInt()).isEqualTo(s.tokens().size());
            assertThat(line.get("stopped_at_eos").asBoolean()).isEqualTo(s.stoppedAtEos());
            assertThat(line.get("scores").get("sacrebleu").asDouble())
                    .isEqualTo(r.scores().result("sacrebleu").orElseThrow().sampleScores().get(i));
        }
    }

    @Test
    void scoresJsonCarriesValuesSignaturesDecodingAndProvenance() throws IOException {
        TaskResult r = craftedResult();
        ResultsWriter.write(dir, provenance(), List.of(r));
        JsonNode root = JSON.readTree(dir.resolve("debtrans").resolve(ResultsWriter.SCORES).toFile());
        assertThat(root.get("task").asText()).isEqualTo("debtrans");
        assertThat(root.get("samples").asInt()).isEqualTo(4);
        assertThat(root.get("scored_against").asText()).isEqualTo(References.DATASET);
        assertThat(root.get("post_processing").asText()).isEqualTo(TaskRun.POST_PROCESSING);
        assertThat(root.get("values").get("bleu").asDouble()).isEqualTo(r.scores().value("bleu"));
        assertThat(root.get("values").has("bertscore")).isFalse();
        assertThat(root.get("metrics").get(0).get("metric").asText()).isEqualTo("bleu");
        assertThat(root.get("metrics").get(1).get("signature").asText()).startsWith("nrefs:1|case:mixed|eff:no|tok:13a");
        assertThat(root.get("metrics").get(1).get("aggregation").asText()).isNotBlank();
        assertThat(root.get("decode").get("device").asText()).isEqualTo("cpu()");
        assertThat(root.get("decode").get("tokens_per_second").asDouble()).isEqualTo(16.0);
        assertThat(root.get("decode").get("average_bits").asDouble()).isEqualTo(16.0);
        assertThat(root.get("decode").get("stopped_at_eos").asInt()).isEqualTo(2);
        assertThat(root.get("model").get("sha256").asText()).isEqualTo("cd".repeat(32));
        assertThat(root.get("fixtures").get("manifest_sha256").asText()).isEqualTo("ef".repeat(32));
        assertThat(root.get("baselines")).hasSize(2);
        assertThat(root.get("baselines").get(0).get("name").asText()).isEqualTo("echo");
        assertThat(root.get("baselines").get(0).get("values").get("sacrebleu").isNumber()).isTrue();
    }

    @Test
    void undefinedNumbersAreWrittenAsNull() throws IOException {
        TaskResult r = craftedResult();
        TaskOutputs o = r.outputs();
        TaskOutputs nan = new TaskOutputs(o.task(), o.samples(), o.plan(), o.batchSize(), o.device(),
                o.generatedTokens(), 0, Double.NaN, Double.NaN);
        ResultsWriter.write(dir, provenance(), List.of(new TaskResult(r.split(), nan, r.references(), r.scores(),
                r.baselines())));
        JsonNode root = JSON.readTree(dir.resolve("debtrans").resolve(ResultsWriter.SCORES).toFile());
        assertThat(root.get("decode").get("average_bits").isNull()).isTrue();
        assertThat(root.get("decode").get("tokens_per_second").isNull()).isTrue();
    }

    @Test
    void baselineFilesAndSummaryAreWritten() throws IOException {
        TaskResult r = craftedResult();
        List<Path> written = ResultsWriter.write(dir, provenance(), List.of(r));
        Path echo = dir.resolve("debtrans").resolve("baseline-echo.jsonl");
        assertThat(written).contains(echo, dir.resolve(ResultsWriter.SUMMARY));
        List<String> lines = Files.readAllLines(echo);
        assertThat(lines).hasSize(4);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("output").asText()).isEqualTo(r.baselines().get(0).outputs().outputs().get(0));
        String summary = Files.readString(dir.resolve(ResultsWriter.SUMMARY));
        assertThat(summary).contains("| task | system | scored against | rougeL | bertscore | bleu | sacrebleu |")
                .contains("| debtrans | model, fixed fp16 | dataset reference |")
                .contains("| debtrans | baseline echo |").contains("| debtrans | baseline random-other |")
                .contains("cd".repeat(32)).contains(TaskRun.POST_PROCESSING);
        try (var files = Files.list(dir.resolve("debtrans"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void textTableMarksTheTasksOwnMetricsAndAlignsColumns() {
        String text = SummaryTable.text(List.of(craftedResult()));
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).startsWith("task").contains("sacrebleu").contains("tokens/s");
        assertThat(lines.get(1)).startsWith("debtrans  model, fixed fp16").contains("*").contains("16.0");
        assertThat(lines.get(2)).contains("baseline echo");
        int bleuColumnEnd = lines.get(0).indexOf("bleu ") + 3;
        assertThat(lines.get(1).charAt(bleuColumnEnd)).isEqualTo('*');
        assertThat(lines.get(3).charAt(bleuColumnEnd)).isEqualTo('*');
    }
}
