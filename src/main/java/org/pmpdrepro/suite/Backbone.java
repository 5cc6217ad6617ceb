package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.quant.QuantizedModel;

/**
 * How the cell decoder (in the test JVM or in a decoder container) builds one PTQ back-bone and maps a pair's
 * bit-widths onto what it serves. Built once per run and shared by every cell that names it.
 */
public interface Backbone {

    /**
     * What a back-bone is built from: the model bundle (weights, tokenizer, identity) and the task fixtures
     * directory (calibration text).
     */
    record Inputs(ModelBundle bundle, Path fixturesDir) {}

    /** Quantizes the model. */
    QuantizedModel build(Inputs inputs) throws IOException;

    /**
     * The precision that stands for {@code bits} in a precision pair: a uniform width by default; a mixed-precision
     * back-bone (HAQ) returns its named policy for the high or low budget.
     */
    default Precision precision(QuantizedModel model, int bits) {
        return Precision.bits(bits);
    }

    /**
     * Weight bytes one decode step reads at {@code precision}; NaN where this back-bone cannot account for it
     * (a mixed policy of a back-bone that does not override this).
     */
    default double bytesReadPerToken(QuantizedModel model, Precision precision) {
        if (precision.isFull()) {
            LlamaConfig c = model.config();
            long h = c.hiddenSize();
            long perLayer = 2 * h * h + 2 * (long) c.kvDim() * h + 3 * (long) c.intermediateSize() * h;
            return 2.0 * perLayer * c.numLayers(); // fp16 q,k,v,o,gate,up,down, as the paper counts the dense model
        }
        int bits = precision.uniformBits();
        return bits > 0 ? model.bytesReadPerToken(bits) : Double.NaN;
    }

    /**
     * Quantized-matrix bytes that must be resident to serve both {@code high} and {@code low}; NaN where this
     * back-bone cannot account for them (mixed policies of a back-bone that does not override this).
     */
    default double residentBytes(QuantizedModel model, Precision high, Precision low) {
        int h = high.uniformBits();
        int l = low.uniformBits();
        if (h < 1 || l < 1 || high.isFull() || low.isFull()) {
            return Double.NaN;
        }
        return model.memory(Set.of(h, l)).residentBytes();
    }
}
