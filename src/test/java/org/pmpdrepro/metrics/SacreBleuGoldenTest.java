package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Corpus and sentence BLEU against values computed by sacrebleu 2.6.0 itself on Debian synopses and edge
 * cases, under 16 configurations (see {@code metrics/README.md} in the test resources).
 */
@Tag("unit")
class SacreBleuGoldenTest {

    @TestFactory
    Stream<DynamicTest> corpusAndSentenceScoresMatchSacrebleu260() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/metrics/sacrebleu-golden.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            JsonNode corpusNode = root.get("corpora").get(c.get("corpus").asText());
            String name = c.get("corpus").asText() + ", " + c.get("streams").asInt() + " stream(s), " + c.get("config");
            tests.add(DynamicTest.dynamicTest(name, () -> check(corpusNode, c)));
        }
        assertThat(tests).hasSize(96);
        return tests.stream();
    }

    private static void check(JsonNode corpusNode, JsonNode c) {
        List<String> hyps = new ArrayList<>();
        corpusNode.get("hypotheses").forEach(h -> hyps.add(h.asText()));
        List<List<String>> streams = new ArrayList<>();
        for (int k = 0; k < c.get("streams").asInt(); k++) {
            List<String> s = new ArrayList<>();
            corpusNode.get("reference_streams").get(k).forEach(r -> s.add(r.asText()));
            streams.add(s);
        }
        JsonNode cfg = c.get("config");
        SacreBleuConfig config = SacreBleuConfig.defaults();
        if (cfg.has("tokenize")) {
            config = config.withTokenizer(BleuTokenizer.byName(cfg.get("tokenize").asText()));
        }
        if (cfg.has("lowercase")) {
            config = config.withLowercase(cfg.get("lowercase").asBoolean());
        }
        if (cfg.has("smooth_method")) {
            Smoothing s = Smoothing.byName(cfg.get("smooth_method").asText());
            config = cfg.has("smooth_value") ? config.withSmoothing(s, cfg.get("smooth_value").asDouble()) : config.withSmoothing(s);
        }
        if (cfg.has("max_ngram_order")) {
            config = config.withMaxNgramOrder(cfg.get("max_ngram_order").asInt());
        }
        if (cfg.has("effective_order")) {
            config = config.withEffectiveOrder(cfg.get("effective_order").asBoolean());
        }
        BleuResult r = new SacreBleu(config).score(new Corpus(hyps, streams));
        JsonNode e = c.get("expected");
        assertThat(r.score()).as("corpus score").isCloseTo(e.get("score").asDouble(), within(1e-9));
        // sacrebleu's add-k adds k to its count lists in place (orders above 1) and reports them so; the
        // counts here stay raw, so k is added back before comparing.
        double k = config.smoothing() == Smoothing.ADD_K ? config.smoothValue() : 0;
        for (int n = 0; n < config.maxNgramOrder(); n++) {
            double added = n > 0 ? k : 0;
            assertThat(r.corpus().counts().get(n) + added).as("count of order " + (n + 1))
                    .isEqualTo(e.get("counts").get(n).asDouble());
            assertThat(r.corpus().totals().get(n) + added).as("total of order " + (n + 1))
                    .isEqualTo(e.get("totals").get(n).asDouble());
        }
        assertThat(r.corpus().hypLength()).as("sys_len").isEqualTo(e.get("sys_len").asInt());
        assertThat(r.corpus().refLength()).as("ref_len").isEqualTo(e.get("ref_len").asInt());
        assertThat(r.corpus().brevityPenalty()).as("bp").isCloseTo(e.get("bp").asDouble(), within(1e-12));
        // sacrebleu does not print the n-gram order; this implementation adds it when it is not 4.
        String ours = r.signature().replace("+pmpd", "").replaceAll("\\|order:\\d+", "");
        assertThat(ours).as("signature").isEqualTo(e.get("signature").asText());
        JsonNode sentences = e.get("sentence_scores");
        for (int i = 0; i < hyps.size(); i++) {
            assertThat(r.sampleScores().get(i)).as("sentence score of segment " + i)
                    .isCloseTo(sentences.get(i).asDouble(), within(1e-9));
        }
    }
}
