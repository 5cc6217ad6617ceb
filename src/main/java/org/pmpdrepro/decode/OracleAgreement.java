package org.pmpdrepro.decode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How closely the DJL decoder follows the plain-Java oracle ({@code model.OracleLlama}) on some prompts: the
 * worst relative logit error of one prompt and, for greedy decoding, how many prompts gave the oracle's tokens.
 *
 * @param device where the DJL decoder ran ({@code cpu()}, {@code gpu(0)})
 * @param worstRelativeError largest |djl - oracle| logit, relative to the largest |oracle| logit at its position
 * @param prompts prompts decoded greedily by both
 * @param matchingPrompts prompts whose generated tokens were identical
 * @param firstMismatch the index of the first prompt that differed and the first token position where it did,
 *     {@code "prompt 2, token 17"}; empty when every prompt matched
 */
public record OracleAgreement(String device, double worstRelativeError, int prompts, int matchingPrompts,
        String firstMismatch) {

    public OracleAgreement {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firstMismatch, "firstMismatch");
    }

    /** Whether the logits are within {@code tolerance} and every prompt decoded to the oracle's tokens. */
    public boolean agrees(double tolerance) {
        return worstRelativeError < tolerance && matchingPrompts == prompts;
    }

    /** Largest |actual - expected| relative to the largest |expected| logit at the same position. */
    public static double worstRelativeError(float[][] actual, float[][] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("logits of " + actual.length + " positions against " + expected.length
                    + " from the oracle");
        }
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            double scale = 0;
            for (float v : expected[t]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int v = 0; v < expected[t].length; v++) {
                worst = Math.max(worst, Math.abs(actual[t][v] - expected[t][v]) / scale);
            }
        }
        return worst;
    }

    /** The oracle keeps a final end-of-sequence token, as Hugging Face's generate does; generations do not. */
    public static int[] withoutEos(int[] tokens, int eos) {
        return tokens.length > 0 && tokens[tokens.length - 1] == eos ? Arrays.copyOf(tokens, tokens.length - 1)
                : tokens;
    }

    /**
     * Compares greedy generations with the oracle's tokens for the same prompts.
     *
     * @param oracleTokens the oracle's generated ids per prompt, possibly ending in {@code eos}
     */
    public static OracleAgreement of(String device, double worstRelativeError, List<Generation> generations,
            List<int[]> oracleTokens, int eos) {
        if (generations.size() != oracleTokens.size()) {
            throw new IllegalArgumentException(generations.size() + " generations against " + oracleTokens.size()
                    + " oracle decodes");
        }
        int matching = 0;
        String first = "";
        for (int i = 0; i < generations.size(); i++) {
            int[] actual = generations.get(i).tokens();
            int[] expected = withoutEos(oracleTokens.get(i), eos);
            if (Arrays.equals(actual, expected)) {
                matching++;
            } else if (first.isEmpty()) {
                first = "prompt " + i + ", token " + Arrays.mismatch(actual, expected);
            }
        }
        return new OracleAgreement(device, worstRelativeError, generations.size(), matching, first);
    }
}
