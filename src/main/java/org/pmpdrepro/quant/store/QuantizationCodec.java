package org.pmpdrepro.quant.store;

import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.quant.QuantizedModel;

/**
 * Turns one method's {@link QuantizedModel} into its stored form and back, exactly: {@code decode(encode(m))}
 * serves the same matrices, bit-widths, policies and memory accounting as {@code m}. Each method's sub-package
 * provides one.
 */
public interface QuantizationCodec {

    /** The method whose models this codec stores. */
    String method();

    StoredQuantization encode(QuantizedModel model);

    /**
     * Rebuilds the model quantized for {@code config}. Missing tensors or parameters, or tensors whose shapes do not
     * fit {@code config}, are an {@link IllegalArgumentException} naming the tensor and the expected shape.
     */
    QuantizedModel decode(LlamaConfig config, StoredQuantization stored);
}
