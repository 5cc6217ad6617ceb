package org.pmpdrepro.quant.bitmixer;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.MatrixCost;

/**
 * One matrix {@code [rows, cols]} as Bit-Mixer serves it: at each width its own codes on the symmetric grid
 * ({@link LsqGrid}) and one fp16 step per row. Codes are computed once, from the shared latent weight and the
 * width's learned steps; serving a width only multiplies codes by steps. Held one code per byte; accounted packed.
 */
record BitMixerLinear(int rows, int cols, SortedMap<Integer, byte[]> codes, SortedMap<Integer, short[]> steps)
        implements MatrixCost {

    BitMixerLinear {
        codes = Collections.unmodifiableSortedMap(new TreeMap<>(codes));
        steps = Collections.unmodifiableSortedMap(new TreeMap<>(steps));
    }

    /** Quantizes {@code latent} at every width of {@code stepsByBits} (fp32 learned steps, rounded to fp16 here). */
    static BitMixerLinear quantize(Tensor latent, SortedMap<Integer, float[]> stepsByBits) {
        int rows = latent.dim(0);
        int cols = latent.dim(1);
        float[] w = latent.data();
        SortedMap<Integer, byte[]> codes = new TreeMap<>();
        SortedMap<Integer, short[]> halfSteps = new TreeMap<>();
        stepsByBits.forEach((bits, fp32) -> {
            short[] half = new short[rows];
            byte[] c = new byte[rows * cols];
            for (int r = 0; r < rows; r++) {
                String where = "tensor '" + latent.name() + "' row " + r + " step at " + bits + " bits";
                if (!(fp32[r] > 0)) {
                    throw new IllegalArgumentException(where + " is " + fp32[r] + "; expected a positive step");
                }
                half[r] = Fp16.encode(fp32[r], where);
                float s = Fp16.decode(half[r]);
                for (int i = r * cols; i < (r + 1) * cols; i++) {
                    c[i] = (byte) LsqGrid.code(w[i], s, bits);
                }
            }
            codes.put(bits, c);
            halfSteps.put(bits, half);
        });
        return new BitMixerLinear(rows, cols, codes, halfSteps);
    }

    @Override
    public long tableEntries(int bits) {
        // One step per row; the grid is symmetric, so there is no offset.
        return rows;
    }

    /** The fp32 {@code [rows, cols]} matrix served at {@code bits}: code times the row's step. */
    float[] dequantize(int bits) {
        byte[] c = codes.get(bits);
        short[] s = steps.get(bits);
        float[] out = new float[c.length];
        for (int r = 0; r < rows; r++) {
            float step = Fp16.decode(s[r]);
            for (int i = r * cols; i < (r + 1) * cols; i++) {
                out[i] = c[i] * step;
            }
        }
        return out;
    }
}
