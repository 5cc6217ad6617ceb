package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.io.JsonBinding;

@Tag("unit")
class ScoreFormatJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A ROUGE-L result over no samples: its means are undefined (NaN). */
    private static RougeResult undefined() {
        return RougeResult.of(new RougeConfig(RougeType.ROUGE_L, false), "sig", List.of());
    }

    @Test
    void theCorpusScoreListsValueThenPartsThenSignatureAggregationAndSamples() throws Exception {
        RougeResult r = RougeResult.of(new RougeConfig(RougeType.ROUGE_L, false), "sig",
                List.of(new PrfScore(0.5, 0.25, 0.3), new PrfScore(1, 1, 1)));
        JsonNode n = JSON.readTree(JsonBinding.write(ScoreFormat.json(r)));
        assertThat(names(n)).containsExactly("metric", "score", "precision", "recall", "fmeasure", "signature",
                "aggregation", "samples");
        assertThat(n.get("fmeasure").asDouble()).isEqualTo(0.65);
        assertThat(n.get("samples").asInt()).isEqualTo(2);
    }

    @Test
    void undefinedScoresAreNaNStringsOnTheCommandLineAndNullInResultFiles() throws Exception {
        JsonNode cli = JSON.readTree(JsonBinding.write(ScoreFormat.json(undefined())));
        assertThat(cli.get("score").asText()).isEqualTo("NaN");
        assertThat(cli.get("recall").asText()).isEqualTo("NaN");
        JsonNode file = JSON.readTree(JsonBinding.write(ScoreFormat.jsonFiniteOrNull(undefined())));
        assertThat(file.get("score").isNull()).isTrue();
        assertThat(file.get("precision").isNull()).isTrue();
        assertThat(file.get("fmeasure").isNull()).isTrue();
        assertThat(file.get("signature").asText()).isEqualTo("sig");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
