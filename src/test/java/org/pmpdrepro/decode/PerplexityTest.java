package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;

/** Perplexity agrees with the plain-Java oracle and does not depend on batching or padding. */
@Tag("unit")
class PerplexityTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final List<int[]> SEQUENCES = List.of(new int[] {3, 9, 14, 5, 22}, new int[] {7, 21, 40},
            new int[] {1, 2, 3, 4, 5, 6, 7, 8});

    @Test
    void meanNllEqualsTheOracleLogSoftmaxOfEveryNextToken() throws Exception {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 11L);
        OracleLlama oracle = OracleLlama.of(CONFIG, weights);
        double nll = 0;
        int n = 0;
        for (int[] s : SEQUENCES) {
            float[][] logits = oracle.logits(s);
            for (int t = 0; t + 1 < s.length; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : logits[t]) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (float v : logits[t]) {
                    z += Math.exp(v - max);
                }
                nll -= logits[t][s[t + 1]] - max - Math.log(z);
                n++;
            }
        }
        try (DjlLlama model = DjlLlama.dense(CONFIG, weights::get, Device.cpu())) {
            Perplexity.Result batched = Perplexity.of(model, SEQUENCES, Precision.FULL, 3);
            Perplexity.Result single = Perplexity.of(model, SEQUENCES, Precision.FULL, 1);
            assertThat(batched.predictedTokens()).isEqualTo(n);
            assertThat(batched.meanNll()).isCloseTo(nll / n, offset(1e-4));
            assertThat(batched.meanNll()).isCloseTo(single.meanNll(), offset(1e-5));
            assertThat(batched.perplexity()).isCloseTo(Math.exp(nll / n), offset(1e-3 * Math.exp(nll / n)));
        }
    }

    @Test
    void aSequenceTooShortToPredictIsRejected() throws Exception {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 11L);
        try (DjlLlama model = DjlLlama.dense(CONFIG, weights::get, Device.cpu())) {
            assertThatThrownBy(() -> Perplexity.of(model, List.of(new int[] {4}), Precision.FULL, 2))
                    .hasMessageContaining("sequence 0 has 1 tokens; expected 2..128");
        }
    }
}
