package org.pmpdrepro.model;

import java.util.Arrays;

/**
 * Step-by-step decoding with the {@link OracleLlama}: keys and values of every past position are cached per
 * layer, so each step costs one position's work instead of recomputing the sequence. Not thread-safe.
 */
public final class OracleSession {

    private final OracleLlama model;
    private final float[][][] keys;
    private final float[][][] values;
    private int position;

    OracleSession(OracleLlama model) {
        this.model = model;
        int layers = model.config().numLayers();
        this.keys = new float[layers][16][];
        this.values = new float[layers][16][];
    }

    /** Number of tokens consumed so far (the position the next token will take). */
    public int position() {
        return position;
    }

    /** Feeds one token at the next position and returns the logits predicting the token after it. */
    public float[] step(int token) {
        model.checkLength(position + 1);
        float[] x = model.embedding(token, position);
        for (int l = 0; l < keys.length; l++) {
            if (position == keys[l].length) {
                keys[l] = Arrays.copyOf(keys[l], 2 * position);
                values[l] = Arrays.copyOf(values[l], 2 * position);
            }
            OracleLlama.Projections p = model.project(l, x, position);
            keys[l][position] = p.k();
            values[l][position] = p.v();
            x = model.finishBlock(l, x, model.attention(p.q(), keys[l], values[l], position + 1, position));
        }
        position++;
        return model.outputLogits(x);
    }
}
