package org.pmpdrepro.quant.haq;

import java.util.List;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/**
 * The HAQ state of every quantized matrix, in forward order: its index, input and output features, parameter count,
 * its projection type one-hot (q, k, v, o, gate, up, down) and, last, the previous matrix's action. Each static
 * feature is min-max normalised to [0, 1] over the model's matrices (a feature that never varies is 0), as the
 * original normalises its layer embedding; the action is already in [0, 1].
 */
final class LayerEmbedding {

    static final int STATIC_FEATURES = 4 + Linear.values().length;
    static final int SIZE = STATIC_FEATURES + 1;

    private final List<LinearId> matrices;
    private final double[][] features;

    LayerEmbedding(LlamaConfig config) {
        this.matrices = LinearId.all(config);
        int n = matrices.size();
        double[][] raw = new double[n][STATIC_FEATURES];
        for (int i = 0; i < n; i++) {
            LinearId id = matrices.get(i);
            long params = BitPolicy.parameters(config, id.proj());
            long out = id.proj().outFeatures(config);
            raw[i][0] = i;
            raw[i][1] = (double) params / out;
            raw[i][2] = out;
            raw[i][3] = params;
            raw[i][4 + id.proj().ordinal()] = 1;
        }
        for (int f = 0; f < STATIC_FEATURES; f++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] row : raw) {
                min = Math.min(min, row[f]);
                max = Math.max(max, row[f]);
            }
            for (double[] row : raw) {
                row[f] = max > min ? (row[f] - min) / (max - min) : 0;
            }
        }
        this.features = raw;
    }

    /** Rows of the {@code [out, in]} weight of {@code proj}. */
    List<LinearId> matrices() {
        return matrices;
    }

    int size() {
        return matrices.size();
    }

    /** The state of matrix {@code i} after the previous matrix took {@code previousAction}. */
    double[] state(int i, double previousAction) {
        double[] s = new double[SIZE];
        System.arraycopy(features[i], 0, s, 0, STATIC_FEATURES);
        s[STATIC_FEATURES] = previousAction;
        return s;
    }
}
