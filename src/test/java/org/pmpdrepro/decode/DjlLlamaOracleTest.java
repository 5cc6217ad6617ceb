package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.model.TinyLlamaFactory;

/** The DJL decoder against the plain-Java oracle on a random model of the fixture model's shape. */
@Tag("unit")
class DjlLlamaOracleTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.smallConfig();
    static InMemoryWeights weights;
    static OracleLlama oracle;
    static DjlLlama model;

    @BeforeAll
    static void load() {
        weights = TinyLlamaFactory.randomModel(CONFIG, 11L);
        oracle = OracleLlama.of(CONFIG, weights.tensors());
        model = DjlLlama.dense(weights, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<int[]> prompts(int count, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] p = new int[3 + r.nextInt(40)];
            for (int j = 0; j < p.length; j++) {
                p[j] = 3 + r.nextInt(CONFIG.vocabSize() - 3);
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void logitsMatchTheOracleWithinRelativeTolerance() {
        int[] tokens = prompts(1, 5L).get(0);
        float[][] expected = oracle.logits(tokens);
        float[][] actual = model.logits(tokens, Precision.FULL);
        assertThat(OracleAgreement.worstRelativeError(actual, expected))
                .as("largest |djl - oracle| relative to the position's largest logit").isLessThan(1e-4);
    }

    @Test
    void greedyTokensMatchTheOracleExactly() {
        List<int[]> prompts = prompts(6, 7L);
        DecodeResult djl = new GreedyDecoder(model, 6, 0).generate(prompts, 20, CONFIG.eosTokenId(),
                PrecisionPlan.fixed(Precision.FULL));
        for (int i = 0; i < prompts.size(); i++) {
            int[] expected = oracle.greedy(prompts.get(i), 20, CONFIG.eosTokenId());
            assertThat(djl.generations().get(i).tokens()).as("prompt " + i)
                    .containsExactly(OracleAgreement.withoutEos(expected, CONFIG.eosTokenId()));
        }
    }

    @Test
    void batchedDecodingGivesTheSameTokensAsOneAtATime() {
        List<int[]> prompts = prompts(10, 9L);
        PrecisionPlan full = PrecisionPlan.fixed(Precision.FULL);
        DecodeResult batched = new GreedyDecoder(model, 4, 0).generate(prompts, 24, CONFIG.eosTokenId(), full);
        DecodeResult single = new GreedyDecoder(model, 1, 0).generate(prompts, 24, CONFIG.eosTokenId(), full);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(batched.generations().get(i).tokens()).as("prompt " + i)
                    .containsExactly(single.generations().get(i).tokens());
        }
    }

    @Test
    void twoRunsAreBitIdentical() {
        List<int[]> prompts = prompts(5, 13L);
        PrecisionPlan full = PrecisionPlan.fixed(Precision.FULL);
        DecodeResult a = new GreedyDecoder(model, 5, 0).generate(prompts, 16, CONFIG.eosTokenId(), full);
        DecodeResult b = new GreedyDecoder(model, 5, 0).generate(prompts, 16, CONFIG.eosTokenId(), full);
        assertThat(a.generations()).isEqualTo(b.generations());
        int[] tokens = prompts.get(0);
        float[][] la = model.logits(tokens, Precision.FULL);
        float[][] lb = model.logits(tokens, Precision.FULL);
        for (int t = 0; t < tokens.length; t++) {
            assertThat(la[t]).containsExactly(lb[t]);
        }
    }
}
