package org.pmpdrepro.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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
        return stream(c).toList();
    }

    /**
     * {@link #expected} generated lazily, so that checking a file against a configuration that claims billions of
     * layers stops at the first missing tensor instead of listing them all first.
     */
    public static Stream<Expected> stream(LlamaConfig c) {
        int h = c.hiddenSize();
        Stream<Expected> embed = Stream.of(
                new Expected(WeightNames.EMBED, new int[] {c.vocabSize(), h}, "[vocab_size, hidden_size]"));
        Stream<Expected> layers = IntStream.range(0, c.numLayers()).boxed().flatMap(l -> layer(c, l).stream());
        Stream<Expected> tail = Stream.of(new Expected(WeightNames.FINAL_NORM, new int[] {h}, "[hidden_size]"));
        if (!c.tieWordEmbeddings()) {
            tail = Stream.concat(tail, Stream.of(
                    new Expected(WeightNames.LM_HEAD, new int[] {c.vocabSize(), h}, "[vocab_size, hidden_size]")));
        }
        return Stream.concat(Stream.concat(embed, layers), tail);
    }

    /** The tensors of decoder block {@code l}, in forward order. */
    private static List<Expected> layer(LlamaConfig c, int l) {
        int h = c.hiddenSize();
        int kv = c.kvDim();
        int inter = c.intermediateSize();
        List<Expected> out = new ArrayList<>();
        out.add(new Expected(WeightNames.inputNorm(l), new int[] {h}, "[hidden_size]"));
        for (WeightNames.Linear lin : WeightNames.Linear.values()) {
            out.add(switch (lin) {
                case Q, O -> new Expected(lin.weight(l), new int[] {h, h}, "[hidden_size, hidden_size]");
                case K, V -> new Expected(lin.weight(l), new int[] {kv, h},
                        "[num_key_value_heads*head_dim, hidden_size]");
                case GATE, UP -> new Expected(lin.weight(l), new int[] {inter, h}, "[intermediate_size, hidden_size]");
                case DOWN -> new Expected(lin.weight(l), new int[] {h, inter}, "[hidden_size, intermediate_size]");
            });
            if (lin == WeightNames.Linear.O) {
                out.add(new Expected(WeightNames.postAttentionNorm(l), new int[] {h}, "[hidden_size]"));
            }
        }
        return out;
    }

    /** The name of the output projection's weights: the embeddings when they are tied. */
    public static String outputHead(LlamaConfig c) {
        return c.tieWordEmbeddings() ? WeightNames.EMBED : WeightNames.LM_HEAD;
    }
}
