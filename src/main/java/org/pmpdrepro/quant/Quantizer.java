package org.pmpdrepro.quant;

import java.io.IOException;
import org.pmpdrepro.model.WeightSource;

/** A post-training weight quantization method: turns a model into something that can serve bit-widths. */
public interface Quantizer {

    /** Name of the method, as the returned model's {@link QuantizedModel#method()}. */
    String method();

    /**
     * Quantizes every matrix of {@link LinearId#all} of {@code model}, using whatever of {@code inputs} the method
     * needs (a missing one is an {@link IllegalArgumentException} naming it).
     */
    QuantizedModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException;
}
