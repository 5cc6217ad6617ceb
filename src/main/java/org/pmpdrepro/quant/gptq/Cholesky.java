package org.pmpdrepro.quant.gptq;

/** The dense symmetric positive-definite linear algebra GPTQ needs, in double, row-major {@code [n, n]}. */
final class Cholesky {

    private Cholesky() {}

    /** Thrown when a matrix is not (numerically) positive definite. */
    static final class NotPositiveDefinite extends Exception {
        NotPositiveDefinite(String message) {
            super(message);
        }
    }

    /** Lower factor {@code L} with {@code a = L L^T}. */
    static double[] lower(double[] a, int n) throws NotPositiveDefinite {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new NotPositiveDefinite("pivot " + j + " is " + d + " (not positive)");
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    /** {@code a^-1} from its lower factor: {@code L^-T L^-1}. */
    static double[] inverseFromLower(double[] l, int n) {
        // Columns of L^-1 by forward substitution; L^-1 is lower triangular.
        double[] li = new double[n * n];
        for (int c = 0; c < n; c++) {
            li[c * n + c] = 1 / l[c * n + c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                for (int k = c; k < i; k++) {
                    s -= l[i * n + k] * li[k * n + c];
                }
                li[i * n + c] = s / l[i * n + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) {
                    s += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }

    /** Upper factor {@code U} with {@code a = U^T U}: the transpose of the lower factor. */
    static double[] upper(double[] a, int n) throws NotPositiveDefinite {
        double[] l = lower(a, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }
}
