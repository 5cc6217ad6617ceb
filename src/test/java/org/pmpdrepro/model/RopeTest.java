package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RopeTest {

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    @DisplayName("dimension i is rotated together with i + headDim/2 by pos * theta^(-2i/headDim) (rotate half)")
    void rotateHalfConventionByHand() {
        Rope rope = new Rope(4, 10000);
        assertThat(rope.invFreq(0)).isEqualTo(1.0);
        assertThat(rope.invFreq(1)).isCloseTo(0.01, within(1e-15));
        float[] r = rope.rotate(new float[] {1, 2, 3, 4}, 2);
        double c0 = Math.cos(2);
        double s0 = Math.sin(2);
        double c1 = Math.cos(0.02);
        double s1 = Math.sin(0.02);
        // Interleaved pairs (0,1),(2,3) would give different values: this pins the Hugging Face layout.
        assertThat(r[0]).isCloseTo((float) (1 * c0 - 3 * s0), within(1e-6f));
        assertThat(r[2]).isCloseTo((float) (3 * c0 + 1 * s0), within(1e-6f));
        assertThat(r[1]).isCloseTo((float) (2 * c1 - 4 * s1), within(1e-6f));
        assertThat(r[3]).isCloseTo((float) (4 * c1 + 2 * s1), within(1e-6f));
    }

    @Test
    @DisplayName("position 0 leaves a vector unchanged and every position preserves its norm")
    void identityAtZeroAndNormPreserving() {
        Rope rope = new Rope(8, 10000);
        float[] x = {0.3f, -1.2f, 2f, 0.7f, -0.1f, 0.9f, 1.5f, -2.2f};
        assertThat(rope.rotate(x, 0)).containsExactly(x);
        for (int pos : new int[] {1, 17, 300}) {
            assertThat(dot(rope.rotate(x, pos), rope.rotate(x, pos))).isCloseTo(dot(x, x), within(1e-5));
        }
    }

    @Test
    @DisplayName("q.k after rotation depends only on the position difference: shifting both leaves it unchanged")
    void scoresDependOnRelativePosition() {
        Rope rope = new Rope(16, 10000);
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            float[] q = new float[16];
            float[] k = new float[16];
            for (int i = 0; i < 16; i++) {
                q[i] = (float) random.nextGaussian();
                k[i] = (float) random.nextGaussian();
            }
            int m = random.nextInt(100);
            int n = random.nextInt(100);
            int shift = 1 + random.nextInt(200);
            double base = dot(rope.rotate(q, m), rope.rotate(k, n));
            double shifted = dot(rope.rotate(q, m + shift), rope.rotate(k, n + shift));
            assertThat(shifted).isCloseTo(base, within(1e-4 * Math.max(1, Math.abs(base))));
        }
    }

    @Test
    @DisplayName("applying to several packed heads rotates each head alike")
    void packedHeadsRotateIndependently() {
        Rope rope = new Rope(4, 500);
        float[] head0 = {1, 2, 3, 4};
        float[] head1 = {-4, 0.5f, 2, 1};
        float[] packed = {1, 2, 3, 4, -4, 0.5f, 2, 1};
        rope.apply(packed, 2, 5);
        float[] r0 = rope.rotate(head0, 5);
        float[] r1 = rope.rotate(head1, 5);
        assertThat(packed).containsExactly(r0[0], r0[1], r0[2], r0[3], r1[0], r1[1], r1[2], r1[3]);
    }
}
