package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;

/** Rotary tables cost memory for the positions used, not for every position a configuration allows. */
@Tag("unit")
class RopeTablesTest {

    static LlamaConfig withPositions(int positions) {
        LlamaConfig c = TinyLlamaFactory.tinyConfig();
        return new LlamaConfig(c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), positions, c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings(), c.bosTokenId(),
                c.eosTokenId());
    }

    @Test
    @DisplayName("a model allowing 2^31-1 positions loads and decodes exactly the tokens of one allowing 256")
    void hugePositionLimitDecodesLikeASmallOne() {
        List<int[]> prompts = List.of(new int[] {1, 5, 9, 13, 17}, new int[] {1, 3});
        var weights = TinyLlamaFactory.randomWeights(TinyLlamaFactory.tinyConfig(), 3L);
        try (DjlLlama small = DjlLlama.dense(withPositions(256), weights::get, Device.cpu());
                DjlLlama huge = DjlLlama.dense(withPositions(Integer.MAX_VALUE), weights::get, Device.cpu())) {
            PrecisionPlan full = PrecisionPlan.fixed(Precision.FULL);
            DecodeResult a = new GreedyDecoder(small, 2, 0).generate(prompts, 12, 2, full);
            DecodeResult b = new GreedyDecoder(huge, 2, 0).generate(prompts, 12, 2, full);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(b.generations().get(i).tokens()).containsExactly(a.generations().get(i).tokens());
            }
        }
    }

    @Test
    @DisplayName("tables grow to cover a longer pass and keep every value they had bit for bit")
    void growingKeepsValues() {
        LlamaConfig config = withPositions(4096);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            RopeTables rope = new RopeTables(manager, config);
            float[] shortCos = rope.cos(10).toFloatArray();
            assertThat(rope.positions()).isEqualTo(RopeTables.INITIAL_POSITIONS);
            float[] longCos = rope.cos(1000).toFloatArray();
            float[] longSin = rope.sin(1000).toFloatArray();
            assertThat(rope.positions()).isEqualTo(1000);
            assertThat(java.util.Arrays.copyOf(longCos, shortCos.length)).containsExactly(shortCos);
            // As Hugging Face computes them: inverse frequency and angle in fp32.
            int half = config.headDim() / 2;
            float invFreq = (float) (1.0 / Math.pow(config.ropeTheta(), 2.0 * 1 / config.headDim()));
            assertThat(longCos[999 * half + 1]).isEqualTo((float) Math.cos(999 * invFreq));
            assertThat(longSin[999 * half + 1]).isEqualTo((float) Math.sin(999 * invFreq));
            assertThat(rope.cos(100_000).getShape().get(0)).isEqualTo(4096);
        }
    }
}
