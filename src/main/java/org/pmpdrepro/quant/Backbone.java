package org.pmpdrepro.quant;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.ModelSource;

/**
 * A PTQ back-bone: a named way of quantizing a model (a {@link Quantizer} in one configuration, with the inputs it
 * reads), how a precision pair's bit-widths map onto what the quantized model serves, and what that costs in memory
 * and weight traffic. The project's back-bones are registered by name in {@code quant.methods.Backbones}; the suite,
 * the {@code pmpd} commands, the CLI and the perplexity table all take them from there.
 */
public interface Backbone {

    /**
     * What a back-bone is built from: the model's files (weights, tokenizer, identity; no model on a device is
     * needed) and the task fixtures directory (calibration text).
     */
    record Inputs(ModelSource model, Path fixturesDir) {
        public Inputs {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(fixturesDir, "fixturesDir");
        }
    }

    /** How a back-bone's model is made from its inputs. */
    @FunctionalInterface
    interface Build {
        QuantizedModel build(Inputs inputs) throws IOException;
    }

    /** The name cells, results and command lines use, such as {@code any-precision}. */
    String name();

    /** Quantizes the model of {@code inputs} (or reads it from the quantization store where the back-bone caches). */
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

    /** A back-bone named {@code name} that builds with {@code build} and keeps the default accounting. */
    static Backbone of(String name, Build build) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(build, "build");
        return new Backbone() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public QuantizedModel build(Inputs inputs) throws IOException {
                return build.build(inputs);
            }

            @Override
            public String toString() {
                return "Backbone[" + name + "]";
            }
        };
    }
}
