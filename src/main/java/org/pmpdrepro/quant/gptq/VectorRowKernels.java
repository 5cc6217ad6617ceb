package org.pmpdrepro.quant.gptq;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels} on SIMD vectors of the machine's preferred width: lanewise {@code mul} then {@code sub} (never
 * {@code fma}), so each lane computes exactly what the scalar loop computes for its {@code j}. Loaded only when the
 * {@code jdk.incubator.vector} module is in the JVM.
 */
final class VectorRowKernels {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private VectorRowKernels() {}

    static int lanes() {
        return SPECIES.length();
    }

    static void one(double[] y, int yo, double[] x, int xo, double c, int len) {
        int bound = SPECIES.loopBound(len);
        int j = 0;
        for (; j < bound; j += SPECIES.length()) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, y, yo + j);
            v.sub(DoubleVector.fromArray(SPECIES, x, xo + j).mul(c)).intoArray(y, yo + j);
        }
        for (; j < len; j++) {
            y[yo + j] -= c * x[xo + j];
        }
    }

    static void four(double[] y, int yo, double[] x, int x0, int x1, int x2, int x3, double c0, double c1, double c2,
            double c3, int len) {
        int bound = SPECIES.loopBound(len);
        int j = 0;
        for (; j < bound; j += SPECIES.length()) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, y, yo + j);
            v = v.sub(DoubleVector.fromArray(SPECIES, x, x0 + j).mul(c0));
            v = v.sub(DoubleVector.fromArray(SPECIES, x, x1 + j).mul(c1));
            v = v.sub(DoubleVector.fromArray(SPECIES, x, x2 + j).mul(c2));
            v = v.sub(DoubleVector.fromArray(SPECIES, x, x3 + j).mul(c3));
            v.intoArray(y, yo + j);
        }
        RowKernels.scalarFour(y, yo, j, x, x0, x1, x2, x3, c0, c1, c2, c3, len);
    }

    static void fourPair(double[] y, int ya, int yb, double[] x, int x0, int x1, int x2, int x3, double a0, double a1,
            double a2, double a3, double b0, double b1, double b2, double b3, int len) {
        int bound = SPECIES.loopBound(len);
        int j = 0;
        for (; j < bound; j += SPECIES.length()) {
            DoubleVector r0 = DoubleVector.fromArray(SPECIES, x, x0 + j);
            DoubleVector r1 = DoubleVector.fromArray(SPECIES, x, x1 + j);
            DoubleVector r2 = DoubleVector.fromArray(SPECIES, x, x2 + j);
            DoubleVector r3 = DoubleVector.fromArray(SPECIES, x, x3 + j);
            DoubleVector va = DoubleVector.fromArray(SPECIES, y, ya + j);
            va = va.sub(r0.mul(a0)).sub(r1.mul(a1)).sub(r2.mul(a2)).sub(r3.mul(a3));
            va.intoArray(y, ya + j);
            DoubleVector vb = DoubleVector.fromArray(SPECIES, y, yb + j);
            vb = vb.sub(r0.mul(b0)).sub(r1.mul(b1)).sub(r2.mul(b2)).sub(r3.mul(b3));
            vb.intoArray(y, yb + j);
        }
        RowKernels.scalarFour(y, ya, j, x, x0, x1, x2, x3, a0, a1, a2, a3, len);
        RowKernels.scalarFour(y, yb, j, x, x0, x1, x2, x3, b0, b1, b2, b3, len);
    }
}
