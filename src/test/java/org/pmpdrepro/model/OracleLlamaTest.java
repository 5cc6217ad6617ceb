package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class OracleLlamaTest {

    private static final LlamaConfig TINY = TinyLlamaFactory.tinyConfig();
    private static final OracleLlama MODEL = OracleLlama.of(TINY, TinyLlamaFactory.randomWeights(TINY, 42));

    private static int[] randomTokens(long seed, int n, int vocab) {
        Random r = new Random(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(vocab);
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    @DisplayName("causality: logits at position t do not change when later tokens change")
    void laterTokensDoNotAffectEarlierLogits() {
        int[] a = randomTokens(1, 12, TINY.vocabSize());
        int[] b = a.clone();
        for (int t = 6; t < b.length; t++) {
            b[t] = (b[t] + 1 + t) % TINY.vocabSize();
        }
        float[][] la = MODEL.logits(a);
        float[][] lb = MODEL.logits(b);
        for (int t = 0; t < 6; t++) {
            assertThat(lb[t]).as("position %d", t).containsExactly(la[t]);
        }
        for (int t = 6; t < 12; t++) {
            assertThat(lb[t]).as("position %d sees the changed token", t).isNotEqualTo(la[t]);
        }
    }

    @Test
    @DisplayName("grouped-query attention equals multi-head attention with each key/value head duplicated")
    void gqaEqualsDuplicatedKvHeads() {
        Map<String, Tensor> gqa = TinyLlamaFactory.randomWeights(TINY, 5);
        LlamaConfig mhaConfig = new LlamaConfig(TINY.vocabSize(), TINY.hiddenSize(), TINY.intermediateSize(),
                TINY.numLayers(), TINY.numHeads(), TINY.numHeads(), TINY.maxPositionEmbeddings(), TINY.rmsNormEps(),
                TINY.ropeTheta(), TINY.tieWordEmbeddings(), 1, 2);
        Map<String, Tensor> mha = new LinkedHashMap<>(gqa);
        int d = TINY.headDim();
        int hidden = TINY.hiddenSize();
        for (int l = 0; l < TINY.numLayers(); l++) {
            for (WeightNames.Linear lin : new WeightNames.Linear[] {WeightNames.Linear.K, WeightNames.Linear.V}) {
                float[] src = gqa.get(lin.weight(l)).data();
                float[] dup = new float[hidden * hidden];
                for (int h = 0; h < TINY.numHeads(); h++) {
                    // Query head h reads key/value head h / groupSize: give MHA head h exactly those rows.
                    int kvHead = h / TINY.groupSize();
                    System.arraycopy(src, kvHead * d * hidden, dup, h * d * hidden, d * hidden);
                }
                mha.put(lin.weight(l), new Tensor(lin.weight(l), new int[] {hidden, hidden}, dup));
            }
        }
        int[] tokens = randomTokens(2, 10, TINY.vocabSize());
        float[][] expected = OracleLlama.of(mhaConfig, mha).logits(tokens);
        float[][] actual = OracleLlama.of(TINY, gqa).logits(tokens);
        for (int t = 0; t < tokens.length; t++) {
            assertThat(actual[t]).as("position %d", t).containsExactly(expected[t]);
        }
    }

    @Test
    @DisplayName("the KV-cached session gives the same logits as the whole-sequence pass at every position")
    void sessionMatchesWholeSequence() {
        int[] tokens = randomTokens(3, 20, TINY.vocabSize());
        float[][] whole = MODEL.logits(tokens);
        OracleSession session = MODEL.newSession();
        for (int t = 0; t < tokens.length; t++) {
            float[] step = session.step(tokens[t]);
            for (int v = 0; v < step.length; v++) {
                assertThat(step[v]).isCloseTo(whole[t][v], within(1e-6f * Math.max(1, Math.abs(whole[t][v]))));
            }
        }
        assertThat(session.position()).isEqualTo(tokens.length);
    }

    @Test
    @DisplayName("KV-cached greedy equals greedy by full recomputation of the sequence at every step")
    void cachedGreedyEqualsRecomputedGreedy() {
        int[] prompt = randomTokens(4, 5, TINY.vocabSize());
        int[] cached = MODEL.greedy(prompt, 30, -1);
        int[] sequence = prompt.clone();
        for (int i = 0; i < 30; i++) {
            float[][] logits = MODEL.logits(sequence);
            sequence = concat(sequence, new int[] {OracleLlama.argmax(logits[sequence.length - 1])});
        }
        assertThat(cached).containsExactly(Arrays.copyOfRange(sequence, prompt.length, sequence.length));
    }

    @Test
    @DisplayName("on a ~4.5M-parameter model, greedy tokens are the arg-max of one teacher-forced pass")
    void greedyOnSmallModelMatchesTeacherForcing() {
        LlamaConfig small = TinyLlamaFactory.smallConfig();
        OracleLlama model = OracleLlama.of(small, TinyLlamaFactory.randomWeights(small, 9));
        int[] prompt = randomTokens(5, 40, small.vocabSize());
        int[] generated = model.greedy(prompt, 24, -1);
        assertThat(generated).hasSize(24);
        float[][] logits = model.logits(concat(prompt, generated));
        for (int i = 0; i < generated.length; i++) {
            assertThat(OracleLlama.argmax(logits[prompt.length - 1 + i])).as("token %d", i).isEqualTo(generated[i]);
        }
    }

    @Test
    @DisplayName("greedy stops right after producing the end-of-sequence id and includes it")
    void greedyStopsAtEos() {
        int[] prompt = randomTokens(6, 4, TINY.vocabSize());
        int[] free = MODEL.greedy(prompt, 20, -1);
        int eos = free[7];
        int first = 0;
        while (free[first] != eos) {
            first++;
        }
        assertThat(MODEL.greedy(prompt, 20, eos)).containsExactly(Arrays.copyOf(free, first + 1));
        assertThat(MODEL.greedy(prompt, 0, eos)).isEmpty();
    }

    @Test
    @DisplayName("a model loaded from a checkpoint directory computes the same logits as the in-memory weights")
    void checkpointLoadMatchesInMemory(@TempDir Path dir) throws IOException {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(TINY, 42);
        CheckpointWriter.writeSharded(dir, TINY, weights, DType.F32, 2);
        int[] tokens = randomTokens(7, 8, TINY.vocabSize());
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            float[][] fromDisk = OracleLlama.load(ckpt).logits(tokens);
            float[][] inMemory = MODEL.logits(tokens);
            for (int t = 0; t < tokens.length; t++) {
                assertThat(fromDisk[t]).containsExactly(inMemory[t]);
            }
        }
    }

    @Test
    @DisplayName("the random-model factory is deterministic in its seed")
    void factoryIsDeterministic() {
        Map<String, Tensor> a = TinyLlamaFactory.randomWeights(TINY, 42);
        Map<String, Tensor> b = TinyLlamaFactory.randomWeights(TINY, 42);
        Map<String, Tensor> c = TinyLlamaFactory.randomWeights(TINY, 43);
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String name : a.keySet()) {
            assertThat(a.get(name).data()).as(name).containsExactly(b.get(name).data());
        }
        assertThat(a.get(WeightNames.EMBED).data()).isNotEqualTo(c.get(WeightNames.EMBED).data());
    }

    @Test
    @DisplayName("out-of-vocabulary tokens, empty prompts and sequences beyond max positions are refused")
    void invalidInputsRefused() {
        assertThatThrownBy(() -> MODEL.logits(new int[] {3, 50})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 50 at position 1").hasMessageContaining("[0, 50)");
        assertThatThrownBy(() -> MODEL.greedy(new int[0], 3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty prompt");
        assertThatThrownBy(() -> MODEL.greedy(new int[] {1}, 300, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_position_embeddings");
    }

    @Test
    @DisplayName("weights whose shapes disagree with the config are refused when building the oracle")
    void wrongShapesRefused() {
        Map<String, Tensor> w = new LinkedHashMap<>(TinyLlamaFactory.randomWeights(TINY, 1));
        w.put(WeightNames.FINAL_NORM, new Tensor(WeightNames.FINAL_NORM, new int[] {8}, new float[8]));
        assertThatThrownBy(() -> OracleLlama.of(TINY, w)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'model.norm.weight'").hasMessageContaining("has shape [8]");
    }
}
