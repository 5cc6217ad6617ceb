package org.pmpdrepro.quant.anyprec;

import java.io.IOException;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.Quantizer;
import org.pmpdrepro.quant.SensitivitySource;

/**
 * Any-Precision quantization (seed + incremental upscaling): per output row, a sensitivity-weighted k-means seed
 * of {@code 2^seedBits} centroids, then one bit at a time each cluster is split in two by a weighted 2-means over
 * its own members, up to {@code parentBits}. The sensitivities come from {@link QuantizationInputs}; with
 * {@link SensitivitySource#uniform()} the clustering is plain k-means.
 *
 * @param seedBits width of the k-means seed, 2..parentBits (PMPD's code uses 2; Any-Precision LLM's own
 *     reference seeds at 3 bits and upscales to an 8-bit parent)
 * @param parentBits widest width served, up to 8
 * @param maxIterations cap on Lloyd iterations of every clustering (each also stops when assignments settle)
 */
public record AnyPrecisionQuantizer(int seedBits, int parentBits, int maxIterations) implements Quantizer {

    static final String METHOD = "any-precision";

    public AnyPrecisionQuantizer {
        if (parentBits < 2 || parentBits > 8) {
            throw new IllegalArgumentException(METHOD + ": parent width " + parentBits + " outside 2..8");
        }
        if (seedBits < 2 || seedBits > parentBits) {
            throw new IllegalArgumentException(METHOD + ": seed width " + seedBits + " outside 2.." + parentBits);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException(METHOD + ": iteration cap " + maxIterations + "; expected >= 1");
        }
    }

    /**
     * PMPD's set-up: a 2-bit seed upscaled to a 4-bit parent, serving 2, 3 and 4 bits (Any-Precision LLM's own
     * reference seeds at 3 bits and upscales to 8).
     */
    public static AnyPrecisionQuantizer defaults() {
        return new AnyPrecisionQuantizer(2, 4, 100);
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public QuantizedModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException {
        SensitivitySource sensitivities = inputs.requireSensitivities(METHOD);
        QuantizedMatrices<AnyPrecisionLinear> matrices = QuantizedMatrices.quantizeAll(METHOD, model, (id, w) -> {
            Tensor f = sensitivities.sensitivity(id, w);
            return AnyPrecisionLinear.quantize(w, f, seedBits, parentBits, maxIterations);
        });
        return new AnyPrecisionModel(matrices, seedBits, parentBits);
    }
}
