package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The fake quantizer's forward values and its straight-through and LSQ step gradients. */
@Tag("unit")
class LsqGridTest {

    /** Weights {@code [in=3, out=2]} chosen to hit the inside, the rounding and both clipping regions at 2 bits. */
    static final float[] W = {0.26f, -0.9f, 0.04f, 0.55f, -0.33f, -0.12f};
    static final float[] STEP = {0.2f, 0.3f};
    static final int BITS = 2;
    static final float SCALE = 0.5f;

    @Test
    @DisplayName("forward: round(clip(w / s, -2, 1)) * s at 2 bits, per column step")
    void forwardRoundsOnTheClippedGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] q = LsqGrid.fakeQuantize(m.create(W, new Shape(3, 2)), m.create(STEP, new Shape(1, 2)), BITS, SCALE)
                    .toFloatArray();
            for (int i = 0; i < W.length; i++) {
                float s = STEP[i % 2];
                float expected = Math.max(-2, Math.min(1, (float) Math.rint(W[i] / s))) * s;
                assertThat(q[i]).as("element %d", i).isCloseTo(expected, within(1e-6f));
                assertThat(LsqGrid.code(W[i], s, BITS) * s).isCloseTo(expected, within(1e-6f));
            }
        }
    }

    @Test
    @DisplayName("straight-through estimator: d out / d w is 1 inside the clipping range and 0 outside")
    void weightGradientPassesStraightThroughInsideTheRange() {
        float[][] grads = gradients();
        for (int i = 0; i < W.length; i++) {
            double v = W[i] / STEP[i % 2];
            float expected = v >= -2 && v <= 1 ? 1f : 0f;
            assertThat(grads[0][i]).as("d/dw of element %d (w/s = %.3f)", i, v).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("LSQ step gradient: sum over the row of (round(v) - v) inside, -Qn below, Qp above, times the scale")
    void stepGradientMatchesTheLsqFormula() {
        float[][] grads = gradients();
        for (int col = 0; col < 2; col++) {
            double expected = 0;
            for (int row = 0; row < 3; row++) {
                double v = W[row * 2 + col] / STEP[col];
                expected += v < -2 ? -2 : v > 1 ? 1 : Math.rint(v) - v;
            }
            assertThat((double) grads[1][col]).as("d/ds of column %d", col).isCloseTo(expected * SCALE, within(1e-5));
        }
    }

    @Test
    @DisplayName("LSQ gradient scale is 1 / sqrt(weights per step * Qp); grid limits are -2^(b-1) and 2^(b-1) - 1")
    void gradientScaleAndGridLimits() {
        assertThat(LsqGrid.gradientScale(100, 3)).isCloseTo((float) (1 / Math.sqrt(300)), within(1e-7f));
        assertThat(LsqGrid.negativeLevels(4)).isEqualTo(8);
        assertThat(LsqGrid.positiveLevels(4)).isEqualTo(7);
        assertThat(LsqGrid.code(10f, 0.1f, 3)).isEqualTo(3);
        assertThat(LsqGrid.code(-10f, 0.1f, 3)).isEqualTo(-4);
    }

    /** Gradients of {@code sum(fakeQuantize(w, s))} with respect to w and s. */
    private static float[][] gradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(W, new Shape(3, 2));
            NDArray s = m.create(STEP, new Shape(1, 2));
            w.setRequiresGradient(true);
            s.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(LsqGrid.fakeQuantize(w, s, BITS, SCALE).sum());
            }
            return new float[][] {w.getGradient().toFloatArray(), s.getGradient().toFloatArray()};
        }
    }
}
