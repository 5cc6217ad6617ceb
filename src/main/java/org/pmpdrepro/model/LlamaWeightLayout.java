package org.pmpdrepro.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The tensors a Llama decoder of a given configuration needs, with the shapes the configuration implies. */
public final class LlamaWeightLayout {

    /**
     * One required tensor.
     *
     * @param name Hugging Face tensor name
     * @param shape expected shape
     * @param meaning the shape in terms of configuration fields, for error messages
     */
    public record Expected(String name, int[] shape, String meaning) {
        public Expected {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        boolean matches(int[] actual) {
            return Arrays.equals(shape, actual);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Expected e && name.equals(e.name) && Arrays.equals(shape, e.shape);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private LlamaWeightLayout() {}

    /**
     * Every tensor the architecture needs, in forward order: embeddings, each layer's norms and projections,
     * the final norm, and the output head unless it is tied to the embeddings. Linear weights are
     * {@code [out, in]}.
     */
    public static List<Expected> expected(LlamaConfig c) {
        int h = c.hiddenSize();
        int kv = c.kvDim();
        int inter = c.intermediateSize();
        List<Expected> out = new ArrayList<>();
        out.add(new Expected(WeightNames.EMBED, new int[] {c.vocabSize(), h}, "[vocab_size, hidden_size]"));
        for (int l = 0; l < c.numLayers(); l++) {
            out.add(new Expected(WeightNames.inputNorm(l), new int[] {h}, "[hidden_size]"));
            for (WeightNames.Linear lin : WeightNames.Linear.values()) {
                out.add(switch (lin) {
                    case Q, O -> new Expected(lin.weight(l), new int[] {h, h}, "[hidden_size, hidden_size]");
                    case K, V -> new Expected(lin.weight(l), new int[] {kv, h},
                            "[num_key_value_heads*head_dim, hidden_size]");
                    case GATE, UP -> new Expected(lin.weight(l), new int[] {inter, h},
                            "[intermediate_size, hidden_size]");
                    case DOWN -> new Expected(lin.weight(l), new int[] {h, inter}, "[hidden_size, intermediate_size]");
                });
                if (lin == WeightNames.Linear.O) {
                    out.add(new Expected(WeightNames.postAttentionNorm(l), new int[] {h}, "[hidden_size]"));
                }
            }
        }
        out.add(new Expected(WeightNames.FINAL_NORM, new int[] {h}, "[hidden_size]"));
        if (!c.tieWordEmbeddings()) {
            out.add(new Expected(WeightNames.LM_HEAD, new int[] {c.vocabSize(), h}, "[vocab_size, hidden_size]"));
        }
        return List.copyOf(out);
    }

    /** The name of the output projection's weights: the embeddings when they are tied. */
    public static String outputHead(LlamaConfig c) {
        return c.tieWordEmbeddings() ? WeightNames.EMBED : WeightNames.LM_HEAD;
    }
}
