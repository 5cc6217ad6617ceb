package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the reference vectors (transcribed from sacrebleu's and rouge_score's own test suites)
 * must pass within its tolerance. A case whose metric or configuration this class cannot serve fails.
 */
@Tag("unit")
class ReferenceVectorsTest {

    private static final double DEFAULT_TOLERANCE = 1e-9;

    @TestFactory
    Stream<DynamicTest> everyReferenceVectorMatchesTheOfficialImplementation() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/metric-vectors/vectors.json")) {
            assertThat(in).as("test resource metric-vectors/vectors.json").isNotNull();
            root = new ObjectMapper().readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : root.get("cases")) {
            String name = "case " + i++ + ": " + c.get("metric").asText() + " " + c.get("config")
                    + (c.has("note") ? " (" + c.get("note").asText() + ")" : "");
            tests.add(DynamicTest.dynamicTest(name, () -> check(c)));
        }
        assertThat(tests).as("cases in vectors.json").hasSizeGreaterThanOrEqualTo(28);
        return tests.stream();
    }

    private static void check(JsonNode c) {
        String metric = c.get("metric").asText();
        switch (metric) {
            case "sacrebleu.corpus" -> sacrebleuCorpus(c);
            case "sacrebleu.corpus.statistics" -> sacrebleuStatistics(c);
            case "sacrebleu.compute_bleu" -> computeBleu(c);
            case "sacrebleu.sentence" -> sacrebleuSentence(c);
            case "rouge" -> rouge(c);
            case "rouge.tokenize" -> rougeTokenize(c);
            default -> fail("no implementation serves metric '" + metric + "'");
        }
    }

    private static SacreBleuConfig sacreConfig(JsonNode config, boolean effectiveOrderDefault) {
        requireOnly(config, Set.of("tokenize", "smooth_method", "smooth_value", "max_ngram_order", "use_effective_order",
                "effective_order", "lowercase"));
        SacreBleuConfig cfg = SacreBleuConfig.defaults().withEffectiveOrder(effectiveOrderDefault);
        if (config.has("tokenize")) {
            cfg = cfg.withTokenizer(BleuTokenizer.byName(config.get("tokenize").asText()));
        }
        if (config.has("smooth_method")) {
            Smoothing s = Smoothing.byName(config.get("smooth_method").asText());
            cfg = config.has("smooth_value") ? cfg.withSmoothing(s, config.get("smooth_value").asDouble()) : cfg.withSmoothing(s);
        }
        if (config.has("max_ngram_order")) {
            cfg = cfg.withMaxNgramOrder(config.get("max_ngram_order").asInt());
        }
        for (String key : List.of("use_effective_order", "effective_order")) {
            if (config.has(key)) {
                cfg = cfg.withEffectiveOrder(config.get(key).asBoolean());
            }
        }
        if (config.has("lowercase")) {
            cfg = cfg.withLowercase(config.get("lowercase").asBoolean());
        }
        return cfg;
    }

    private static Corpus corpus(JsonNode c) {
        List<String> hyps = strings(c.get("hypotheses"));
        List<List<String>> streams = new ArrayList<>();
        c.get("reference_streams").forEach(s -> streams.add(strings(s)));
        return new Corpus(hyps, streams);
    }

    private static void sacrebleuCorpus(JsonNode c) {
        BleuResult result = new SacreBleu(sacreConfig(c.get("config"), false)).score(corpus(c));
        expectBleuScore(c, result.score());
    }

    private static void sacrebleuSentence(JsonNode c) {
        // sacrebleu.sentence_bleu defaults to use_effective_order=True.
        SacreBleu bleu = new SacreBleu(sacreConfig(c.get("config"), true));
        expectBleuScore(c, bleu.sentenceScore(c.get("hypothesis").asText(), strings(c.get("references"))).score());
    }

    private static void expectBleuScore(JsonNode c, double score) {
        JsonNode expected = c.get("expected");
        requireOnly(expected, Set.of("score", "score_fraction", "score_2dp"));
        double tol = c.has("tolerance") ? c.get("tolerance").asDouble() : DEFAULT_TOLERANCE;
        if (expected.has("score")) {
            assertThat(score).isCloseTo(expected.get("score").asDouble(), within(tol));
        }
        if (expected.has("score_fraction")) {
            assertThat(score / 100).isCloseTo(expected.get("score_fraction").asDouble(), within(tol));
        }
        if (expected.has("score_2dp")) {
            assertThat(PyText.fixed(score, 2)).isEqualTo(expected.get("score_2dp").asText());
        }
    }

    private static void sacrebleuStatistics(JsonNode c) {
        BleuResult result = new SacreBleu(sacreConfig(c.get("config"), false)).score(corpus(c));
        assertThat(result.corpus().counts()).containsExactlyElementsOf(ints(c.get("expected").get("counts")));
        assertThat(result.corpus().totals()).containsExactlyElementsOf(ints(c.get("expected").get("totals")));
    }

    private static void computeBleu(JsonNode c) {
        JsonNode cfg = c.get("config");
        requireOnly(cfg, Set.of("correct", "total", "sys_len", "ref_len"));
        int[] correct = ints(cfg.get("correct")).stream().mapToInt(Integer::intValue).toArray();
        int[] total = ints(cfg.get("total")).stream().mapToInt(Integer::intValue).toArray();
        // BLEU.compute_bleu's own defaults: no smoothing, no effective order.
        SacreBleuConfig formula = SacreBleuConfig.defaults().withSmoothing(Smoothing.NONE).withMaxNgramOrder(correct.length);
        double score = formula.compute(new NgramStatistics(cfg.get("sys_len").asInt(), cfg.get("ref_len").asInt(),
                correct, total)).score();
        expectBleuScore(c, score);
    }

    private static void rouge(JsonNode c) {
        JsonNode cfg = c.get("config");
        requireOnly(cfg, Set.of("type", "use_stemmer"));
        Rouge rouge = Rouge.of(RougeType.byName(cfg.get("type").asText()), cfg.get("use_stemmer").asBoolean());
        PrfScore s = rouge.score(c.get("target").asText(), c.get("prediction").asText());
        JsonNode e = c.get("expected");
        double tol = c.get("tolerance").asDouble();
        assertThat(s.precision()).as("precision").isCloseTo(e.get("precision").asDouble(), within(tol));
        assertThat(s.recall()).as("recall").isCloseTo(e.get("recall").asDouble(), within(tol));
        assertThat(s.fmeasure()).as("fmeasure").isCloseTo(e.get("fmeasure").asDouble(), within(tol));
    }

    private static void rougeTokenize(JsonNode c) {
        JsonNode cfg = c.get("config");
        requireOnly(cfg, Set.of("use_stemmer"));
        List<String> tokens = new RougeTokenizer(cfg.get("use_stemmer").asBoolean()).tokenize(c.get("text").asText());
        assertThat(tokens).containsExactlyElementsOf(strings(c.get("expected").get("tokens")));
    }

    /** A configuration key this class does not understand would be silently ignored: fail instead. */
    private static void requireOnly(JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                fail("unsupported key '" + key + "' in " + node);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
