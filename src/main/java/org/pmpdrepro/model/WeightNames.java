package org.pmpdrepro.model;

/** Hugging Face tensor names of a Llama checkpoint. */
public final class WeightNames {

    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    /** The seven linear projections of a decoder block, in forward order. */
    public enum Linear {
        Q("self_attn.q_proj"),
        K("self_attn.k_proj"),
        V("self_attn.v_proj"),
        O("self_attn.o_proj"),
        GATE("mlp.gate_proj"),
        UP("mlp.up_proj"),
        DOWN("mlp.down_proj");

        private final String suffix;

        Linear(String suffix) {
            this.suffix = suffix;
        }

        public String weight(int layer) {
            return "model.layers." + layer + "." + suffix + ".weight";
        }

        /** Rows of the Hugging Face {@code [out, in]} weight in a model of {@code config}. */
        public int outFeatures(LlamaConfig config) {
            return switch (this) {
                case Q, O, DOWN -> config.hiddenSize();
                case K, V -> config.kvDim();
                case GATE, UP -> config.intermediateSize();
            };
        }

        /** Columns of the Hugging Face {@code [out, in]} weight in a model of {@code config}. */
        public int inFeatures(LlamaConfig config) {
            return this == DOWN ? config.intermediateSize() : config.hiddenSize();
        }
    }

    public static String inputNorm(int layer) {
        return "model.layers." + layer + ".input_layernorm.weight";
    }

    public static String postAttentionNorm(int layer) {
        return "model.layers." + layer + ".post_attention_layernorm.weight";
    }

    private WeightNames() {}
}
