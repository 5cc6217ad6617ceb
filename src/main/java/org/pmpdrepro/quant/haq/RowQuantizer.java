package org.pmpdrepro.quant.haq;

import java.util.Arrays;
import org.pmpdrepro.quant.Fp16;

/**
 * The per-row arithmetic of both schemes. K-means is one-dimensional, so clusters are contiguous runs of the
 * sorted row and Lloyd's iterations need only prefix sums. It runs twice, from the {@code (j + 1/2) / k} quantiles
 * and from the min-max grid (deterministic starts, where the original draws k-means++ seeds), each until no
 * boundary moves or {@link #MAX_ITERATIONS}, and keeps the lower squared error; from the grid start its error is
 * at most the linear scheme's.
 */
final class RowQuantizer {

    static final int MAX_ITERATIONS = 50;

    private RowQuantizer() {}

    /**
     * Writes the k-means table of {@code row} (fp16, ascending, {@code 2^bits} entries) into {@code table} at
     * {@code tableOffset} and the code of every weight into {@code codes} at {@code codeOffset}.
     */
    static void kMeans(float[] row, int bits, String where, short[] table, int tableOffset, byte[] codes,
            int codeOffset) {
        int n = row.length;
        int k = 1 << bits;
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            requireFinite(row[i], where, i);
            sorted[i] = row[i];
        }
        Arrays.sort(sorted);
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + sorted[i];
        }
        double[] quantiles = new double[k];
        double[] grid = new double[k];
        for (int j = 0; j < k; j++) {
            quantiles[j] = sorted[(int) Math.min(n - 1, Math.floor((j + 0.5) / k * n))];
            grid[j] = k == 1 ? prefix[n] / n : sorted[0] + (sorted[n - 1] - sorted[0]) * j / (k - 1);
        }
        double[] fromQuantiles = lloyd(sorted, prefix, quantiles);
        double[] fromGrid = lloyd(sorted, prefix, grid);
        // Quantile starts serve the bulk of a row, grid starts its extremes; Lloyd keeps whichever ends lower.
        double[] centres = squaredError(sorted, fromGrid) < squaredError(sorted, fromQuantiles) ? fromGrid
                : fromQuantiles;
        float[] decoded = new float[k];
        for (int j = 0; j < k; j++) {
            short h = Fp16.encode(centres[j], where + " centroid " + j);
            table[tableOffset + j] = h;
            decoded[j] = Fp16.decode(h);
        }
        // Codes are chosen against the fp16 centroids actually served, so rounding the table costs nothing extra.
        for (int i = 0; i < n; i++) {
            codes[codeOffset + i] = (byte) nearest(decoded, row[i]);
        }
    }

    /** Lloyd's iterations on the sorted row from {@code centres} (changed in place and returned). */
    private static double[] lloyd(double[] sorted, double[] prefix, double[] centres) {
        int k = centres.length;
        int[] start = new int[k + 1];
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
            boolean moved = boundaries(sorted, centres, start);
            for (int j = 0; j < k; j++) {
                int count = start[j + 1] - start[j];
                if (count > 0) {
                    centres[j] = (prefix[start[j + 1]] - prefix[start[j]]) / count;
                }
            }
            if (!moved && iter > 0) {
                break;
            }
        }
        return centres;
    }

    private static double squaredError(double[] sorted, double[] centres) {
        double s = 0;
        for (double v : sorted) {
            double best = Double.POSITIVE_INFINITY;
            for (double c : centres) {
                best = Math.min(best, (v - c) * (v - c));
            }
            s += best;
        }
        return s;
    }

    /**
     * Sets {@code start[j]} to the first sorted index nearer to centre {@code j} than to {@code j - 1} (centres
     * kept ascending); returns whether any boundary changed.
     */
    private static boolean boundaries(double[] sorted, double[] centres, int[] start) {
        Arrays.sort(centres);
        int k = centres.length;
        boolean moved = false;
        int pos = 0;
        for (int j = 0; j < k; j++) {
            if (j > 0) {
                double mid = (centres[j - 1] + centres[j]) / 2;
                while (pos < sorted.length && sorted[pos] <= mid) {
                    pos++;
                }
            }
            if (start[j] != pos) {
                start[j] = pos;
                moved = true;
            }
        }
        start[k] = sorted.length;
        return moved;
    }

    /** Index of the centre nearest to {@code v}; ties go to the lower index. */
    static int nearest(float[] centres, float v) {
        int best = 0;
        float bestDist = Math.abs(v - centres[0]);
        for (int j = 1; j < centres.length; j++) {
            float d = Math.abs(v - centres[j]);
            if (d < bestDist) {
                best = j;
                bestDist = d;
            }
        }
        return best;
    }

    /** Min-max round-to-nearest of {@code row}: table holds the fp16 offset then the fp16 scale. */
    static void linear(float[] row, int bits, String where, short[] table, int tableOffset, byte[] codes,
            int codeOffset) {
        int maxCode = (1 << bits) - 1;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < row.length; i++) {
            requireFinite(row[i], where, i);
            min = Math.min(min, row[i]);
            max = Math.max(max, row[i]);
        }
        short offset = Fp16.encode(min, where + " offset");
        short scale = Fp16.encode((max - min) / maxCode, where + " scale");
        table[tableOffset] = offset;
        table[tableOffset + 1] = scale;
        float o = Fp16.decode(offset);
        float s = Fp16.decode(scale);
        for (int i = 0; i < row.length; i++) {
            int q = s > 0 ? Math.round((row[i] - o) / s) : 0;
            codes[codeOffset + i] = (byte) Math.max(0, Math.min(maxCode, q));
        }
    }

    private static void requireFinite(float v, String where, int column) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(where + " column " + column + ": value " + v + " is not finite");
        }
    }
}
