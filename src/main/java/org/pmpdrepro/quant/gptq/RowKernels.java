package org.pmpdrepro.quant.gptq;

/**
 * The one inner loop of GPTQ's linear algebra: subtract from a row of doubles a sequence of scaled rows,
 * {@code y[j] -= c_k * x_k[j]} for {@code k = 0, 1, ...} in that order, each term a separate multiply and subtract
 * (Java never fuses them). Once per {@code k} the whole row is swept, so the loop over {@code j} carries no dependence
 * and can run several lanes at a time; every {@code y[j]} still sees the same operations in the same order, so the
 * result is bit for bit the one-term-at-a-time loop's however the lanes are formed.
 *
 * <p>With the {@code jdk.incubator.vector} module in the JVM (the build, the tests and the documented commands add it
 * with {@code --add-modules jdk.incubator.vector}) the lanes are explicit SIMD vectors ({@link VectorRowKernels});
 * without it, scalar loops (HotSpot did not vectorise these itself: they ran as fast with {@code -XX:-UseSuperWord};
 * likely because the rows read and the row written are arrays of one type it cannot prove distinct). The two give
 * identical bits ({@code RowKernelsTest}); only the time differs.
 *
 * <p>Rows are given as an array and an offset. A pair form updates two rows of {@code y} with the same rows of
 * {@code x}, each {@code x} value loaded once for both.
 */
final class RowKernels {

    /** Whether the SIMD implementation is in use (the module is present and usable). */
    static final boolean VECTORISED = vectorModulePresent();

    private RowKernels() {}

    private static boolean vectorModulePresent() {
        if (Boolean.getBoolean("pmpd.scalarKernels")
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorRowKernels.lanes() > 1;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * {@code y[yo + j] -= c[co + k * cs] * x[xo + k * xs + j]} for {@code k} from 0 to {@code count - 1} in that
     * order, for every {@code j < len}.
     */
    static void subtractRows(double[] y, int yo, double[] c, int co, int cs, double[] x, int xo, int xs, int count,
            int len) {
        if (len <= 0) {
            return;
        }
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            int x0 = xo + k * xs;
            int c0 = co + k * cs;
            four(y, yo, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, c[c0], c[c0 + cs], c[c0 + 2 * cs], c[c0 + 3 * cs],
                    len);
        }
        for (; k < count; k++) {
            one(y, yo, x, xo + k * xs, c[co + k * cs], len);
        }
    }

    /**
     * {@link #subtractRows} for two rows of {@code y} at once: {@code y[ya + j]} with the coefficients
     * {@code c[ca + k * cs]}, {@code y[yb + j]} with {@code c[cb + k * cs]}, the same rows of {@code x} for both.
     */
    static void subtractRowsPair(double[] y, int ya, int yb, double[] c, int ca, int cb, int cs, double[] x, int xo,
            int xs, int count, int len) {
        if (len <= 0) {
            return;
        }
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            int x0 = xo + k * xs;
            int a = ca + k * cs;
            int b = cb + k * cs;
            fourPair(y, ya, yb, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs,
                    c[a], c[a + cs], c[a + 2 * cs], c[a + 3 * cs], c[b], c[b + cs], c[b + 2 * cs], c[b + 3 * cs], len);
        }
        for (; k < count; k++) {
            int x0 = xo + k * xs;
            onePair(y, ya, yb, x, x0, c[ca + k * cs], c[cb + k * cs], len);
        }
    }

    /** {@code y[yo + j] -= c * x[xo + j]} for {@code j < len}. */
    static void one(double[] y, int yo, double[] x, int xo, double c, int len) {
        if (VECTORISED) {
            VectorRowKernels.one(y, yo, x, xo, c, len);
        } else {
            scalarOne(y, yo, x, xo, c, len);
        }
    }

    private static void four(double[] y, int yo, double[] x, int x0, int x1, int x2, int x3, double c0, double c1,
            double c2, double c3, int len) {
        if (VECTORISED) {
            VectorRowKernels.four(y, yo, x, x0, x1, x2, x3, c0, c1, c2, c3, len);
        } else {
            scalarFour(y, yo, 0, x, x0, x1, x2, x3, c0, c1, c2, c3, len);
        }
    }

    private static void fourPair(double[] y, int ya, int yb, double[] x, int x0, int x1, int x2, int x3, double a0,
            double a1, double a2, double a3, double b0, double b1, double b2, double b3, int len) {
        if (VECTORISED) {
            VectorRowKernels.fourPair(y, ya, yb, x, x0, x1, x2, x3, a0, a1, a2, a3, b0, b1, b2, b3, len);
        } else {
            scalarFour(y, ya, 0, x, x0, x1, x2, x3, a0, a1, a2, a3, len);
            scalarFour(y, yb, 0, x, x0, x1, x2, x3, b0, b1, b2, b3, len);
        }
    }

    private static void onePair(double[] y, int ya, int yb, double[] x, int xo, double a, double b, int len) {
        one(y, ya, x, xo, a, len);
        one(y, yb, x, xo, b, len);
    }

    /** The reference loops, also the SIMD kernels' tails. */
    static void scalarOne(double[] y, int yo, double[] x, int xo, double c, int len) {
        for (int j = 0; j < len; j++) {
            y[yo + j] -= c * x[xo + j];
        }
    }

    /** Four terms for {@code j} from {@code from} to {@code len - 1}, the row value held in a register. */
    static void scalarFour(double[] y, int yo, int from, double[] x, int x0, int x1, int x2, int x3, double c0,
            double c1, double c2, double c3, int len) {
        for (int j = from; j < len; j++) {
            double v = y[yo + j];
            v -= c0 * x[x0 + j];
            v -= c1 * x[x1 + j];
            v -= c2 * x[x2 + j];
            v -= c3 * x[x3 + j];
            y[yo + j] = v;
        }
    }
}
