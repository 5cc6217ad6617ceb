package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.eval.TaskScores;

@Tag("unit")
class CellWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Two debsum samples decoded 4>3 (outputs crafted, no model), scored without BERTScore. */
    private static CellResult cell() {
        List<TaskExample> ex = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.TEST).subList(0, 2);
        List<SampleOutput> samples = List.of(
                new SampleOutput(ex.get(0).id(), ex.get(0).prompt(), ex.get(0).reference(), ex.get(0).reference(),
                        " " + ex.get(0).reference(), List.of(5, 6, 7), List.of("4bit", "4bit", "3bit"), false),
                new SampleOutput(ex.get(1).id(), ex.get(1).prompt(), ex.get(1).reference(), "a \"quoted\" line",
                        " a \"quoted\" line", List.of(8, 9), List.of("4bit", "3bit"), true));
        TaskOutputs outputs = new TaskOutputs(Task.DEBSUM, samples, "static 4>3", 2, "cpu()", 5, 0.5, 10.0, 3.25);
        TaskScores scores = new TaskScorer(TaskScorer.Config.defaults().withBertScore(false))
                .score(outputs, References.dataset(outputs));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("switch_at", 1);
        parameters.put("alpha", 0.5);
        return new CellResult(Split.TEST, "rtn", PrecisionPair.parse("4>3"), "static", parameters, outputs, scores,
                List.of(3.5, 3.0), 3.25, 1234.5);
    }

    @Test
    void outputsHoldOneLinePerSampleWithItsBitsTraceAndScoresByMetric() throws IOException {
        CellResult c = cell();
        Path cellDir = CellWriter.write(dir, c, new CellWriter.Provenance("ab".repeat(32), "cd".repeat(32), "test"));
        assertThat(cellDir).isEqualTo(dir.resolve("debsum").resolve("4-3").resolve("static"));
        List<String> lines = Files.readAllLines(cellDir.resolve("outputs.jsonl"));
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(fieldNames(first)).containsExactly("id", "output", "reference", "raw_output", "average_bits", "trace",
                "stopped_at_eos", "scores");
        assertThat(first.get("average_bits").asDouble()).isEqualTo(3.5);
        assertThat(first.get("trace").toString()).isEqualTo("[\"4bit\",\"4bit\",\"3bit\"]");
        assertThat(fieldNames(first.get("scores"))).containsExactlyElementsOf(
                c.scores().results().stream().map(r -> r.metric()).toList());
        assertThat(JSON.readTree(lines.get(1)).get("output").asText()).isEqualTo("a \"quoted\" line");
    }

    @Test
    void summaryListsTheCellThenItsProvenanceLastWithSortedSchedulerParameters() throws IOException {
        CellResult c = cell();
        CellWriter.Provenance provenance = new CellWriter.Provenance("ab".repeat(32), "cd".repeat(32),
                "pmpd schedule run ...");
        Path cellDir = CellWriter.write(dir, c, provenance);
        String text = Files.readString(cellDir.resolve("summary.json"));
        assertThat(text).endsWith("}\n");
        JsonNode s = JSON.readTree(text);
        assertThat(fieldNames(s)).containsExactly("task", "split", "backbone", "pair", "scheduler",
                "scheduler_parameters", "examples", "scored_against", "metrics", "average_bits",
                "average_bits_definition", "weight_bytes_per_decoded_token", "tokens_per_second", "generated_tokens",
                "seconds", "device", "batch_size", "post_processing", "model_sha256", "fixtures_manifest_sha256",
                "command");
        assertThat(fieldNames(s.get("scheduler_parameters"))).containsExactly("alpha", "switch_at");
        assertThat(s.get("pair").asText()).isEqualTo("4>3");
        assertThat(s.get("average_bits").asDouble()).isEqualTo(3.25);
        assertThat(s.get("weight_bytes_per_decoded_token").asDouble()).isEqualTo(1234.5);
        assertThat(s.get("post_processing").asText()).isEqualTo(TaskRun.POST_PROCESSING);
        String metric = c.scores().results().get(0).metric();
        assertThat(fieldNames(s.get("metrics").get(metric))).containsExactly("score", "signature");
        assertThat(s.get("metrics").get(metric).get("score").asDouble())
                .isEqualTo(c.scores().results().get(0).score());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
