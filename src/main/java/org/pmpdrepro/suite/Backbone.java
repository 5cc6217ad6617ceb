package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.WeightTraffic;
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
     * The precision that stands for {@code bits} in a precision pair: a uniform width, or for a mixed-precision
     * back-bone (HAQ) its named policy for the high or low budget ({@link WeightTraffic#precision}).
     */
    default Precision precision(QuantizedModel model, int bits) {
        return WeightTraffic.precision(model, bits);
    }

    /** Weight bytes one decode step reads at {@code precision}; NaN where the back-bone cannot account for it. */
    default double bytesReadPerToken(QuantizedModel model, Precision precision) {
        return new WeightTraffic(model).bytesPerStep(precision.label());
    }

    /** Quantized-matrix bytes resident to serve both {@code high} and {@code low}; NaN where not accountable. */
    default double residentBytes(QuantizedModel model, Precision high, Precision low) {
        return WeightTraffic.residentBytes(model, high, low);
    }
}
