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
    }

    public static String inputNorm(int layer) {
        return "model.layers." + layer + ".input_layernorm.weight";
    }

    public static String postAttentionNorm(int layer) {
        return "model.layers." + layer + ".post_attention_layernorm.weight";
    }

    private WeightNames() {}
}
