package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A one-layer model with hidden size 2, one head and a one-unit MLP, whose logits are worked out here
 * formula by formula. A large eps (0.25) makes its placement inside the square root visible.
 */
@Tag("unit")
class OracleHandComputedTest {

    private static final double EPS = 0.25;
    private static final LlamaConfig CONFIG = new LlamaConfig(3, 2, 1, 1, 1, 1, 16, EPS, 10000, false, 1, 2);

    private static Tensor t(String name, int[] shape, float... data) {
        return new Tensor(name, shape, data);
    }

    private static OracleLlama model() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put(WeightNames.EMBED, t(WeightNames.EMBED, new int[] {3, 2}, 1, 2, 3, -1, 0.5f, 0.5f));
        w.put(WeightNames.inputNorm(0), t(WeightNames.inputNorm(0), new int[] {2}, 1, 2));
        w.put(WeightNames.postAttentionNorm(0), t(WeightNames.postAttentionNorm(0), new int[] {2}, 0.5f, 1));
        w.put(WeightNames.Linear.Q.weight(0), t(WeightNames.Linear.Q.weight(0), new int[] {2, 2}, 1, 0, 0, 1));
        w.put(WeightNames.Linear.K.weight(0), t(WeightNames.Linear.K.weight(0), new int[] {2, 2}, 0, 1, 1, 0));
        w.put(WeightNames.Linear.V.weight(0), t(WeightNames.Linear.V.weight(0), new int[] {2, 2}, 2, 0, 0, 1));
        w.put(WeightNames.Linear.O.weight(0), t(WeightNames.Linear.O.weight(0), new int[] {2, 2}, 0, 1, 1, 0));
        w.put(WeightNames.Linear.GATE.weight(0), t(WeightNames.Linear.GATE.weight(0), new int[] {1, 2}, 1, -1));
        w.put(WeightNames.Linear.UP.weight(0), t(WeightNames.Linear.UP.weight(0), new int[] {1, 2}, 2, 1));
        w.put(WeightNames.Linear.DOWN.weight(0), t(WeightNames.Linear.DOWN.weight(0), new int[] {2, 1}, 1, -1));
        w.put(WeightNames.FINAL_NORM, t(WeightNames.FINAL_NORM, new int[] {2}, 1, 1));
        w.put(WeightNames.LM_HEAD, t(WeightNames.LM_HEAD, new int[] {3, 2}, 1, 0, 0, 1, 1, 1));
        return OracleLlama.of(CONFIG, w);
    }

    /** 1 / sqrt(mean(x^2) + eps) for a 2-vector. */
    private static double inverseRms(double a, double b) {
        return 1 / Math.sqrt((a * a + b * b) / 2 + EPS);
    }

    /** Everything after attention: o (swap), residual, post-norm, SwiGLU, residual, final norm, head. */
    private static double[] afterAttention(double e0, double e1, double a0, double a1) {
        double h0 = e0 + a1; // o_proj swaps the two coordinates
        double h1 = e1 + a0;
        double r = inverseRms(h0, h1);
        double n0 = h0 * r * 0.5;
        double n1 = h1 * r * 1.0;
        double gate = n0 - n1;
        double up = 2 * n0 + n1;
        double m = gate / (1 + Math.exp(-gate)) * up;
        double y0 = h0 + m;
        double y1 = h1 - m;
        double f = inverseRms(y0, y1);
        return new double[] {y0 * f, y1 * f, (y0 + y1) * f};
    }

    private static void assertLogits(float[] actual, double[] expected) {
        assertThat(actual).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat((double) actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    @DisplayName("a single token: RMSNorm with eps inside the root, attention returns v, SwiGLU, final norm")
    void singleTokenByHand() {
        double r = inverseRms(1, 2);
        double n0 = 1 * r * 1;
        double n1 = 2 * r * 2;
        // One visible key: softmax weight 1, so attention output is v = diag(2, 1) n.
        double[] expected = afterAttention(1, 2, 2 * n0, n1);
        assertLogits(model().logits(new int[] {0})[0], expected);
    }

    @Test
    @DisplayName("two tokens: rotary angles, the 1/sqrt(headDim) scale and the softmax over both keys")
    void secondPositionByHand() {
        double ra = inverseRms(1, 2);
        double[] na = {1 * ra, 2 * ra * 2}; // token 0 at position 0
        double rb = inverseRms(3, -1);
        double[] nb = {3 * rb, -1 * rb * 2}; // token 1 at position 1
        double c = Math.cos(1);
        double s = Math.sin(1);
        // q = n, k = swap(n); position 0 is unrotated, position 1 rotates the pair (0, 1) by 1 radian.
        double[] q = {nb[0] * c - nb[1] * s, nb[1] * c + nb[0] * s};
        double[] k0 = {na[1], na[0]};
        double[] k1 = {nb[1] * c - nb[0] * s, nb[0] * c + nb[1] * s};
        double s0 = (q[0] * k0[0] + q[1] * k0[1]) / Math.sqrt(2);
        double s1 = (q[0] * k1[0] + q[1] * k1[1]) / Math.sqrt(2);
        double p0 = 1 / (1 + Math.exp(s1 - s0));
        double p1 = 1 - p0;
        double a0 = p0 * 2 * na[0] + p1 * 2 * nb[0];
        double a1 = p0 * na[1] + p1 * nb[1];
        double[] expected = afterAttention(3, -1, a0, a1);

        OracleLlama model = model();
        float[][] logits = model.logits(new int[] {0, 1});
        assertLogits(logits[1], expected);
        OracleSession session = model.newSession();
        session.step(0);
        assertLogits(session.step(1), expected);
    }
}
