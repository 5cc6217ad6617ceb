package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ExperimentBackbones;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.QuantizationStore;

/**
 * Where PMPD gets its quantized model from. One small interface so that a cached or Fisher-weighted Any-Precision
 * model, or another PTQ method, can be swapped in without touching the schedulers.
 */
public interface Backbone {

    /** A name for results, e.g. {@code any-precision(uniform)}. */
    String name();

    /** The quantized form of {@code model}, serving at least the widths of the precision pairs used. */
    QuantizedModel quantize(WeightSource model) throws IOException;

    /** Any-Precision (2-bit seed, 4-bit parent) with uniform sensitivities: plain k-means, no calibration needed. */
    static Backbone anyPrecisionUniform() {
        return new Backbone() {
            @Override
            public String name() {
                return "any-precision(uniform-sensitivity)";
            }

            @Override
            public QuantizedModel quantize(WeightSource model) throws IOException {
                return AnyPrecisionQuantizer.defaults().quantize(model,
                        QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
            }
        };
    }

    /** Per-row round-to-nearest at 2, 3 and 4 bits (fast; used by tests). */
    static Backbone rtn() {
        return new Backbone() {
            @Override
            public String name() {
                return "rtn";
            }

            @Override
            public QuantizedModel quantize(WeightSource model) throws IOException {
                return RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(model, QuantizationInputs.none());
            }
        };
    }

    /**
     * A back-bone of the ablations exactly as the suite builds it ({@link ExperimentBackbones}: Any-Precision with
     * the committed Fisher sensitivities, GPTQ on the calibration text, HAQ's committed policies, Bit-Mixer's
     * committed weights; models cached in the quantization store), for the model in {@code modelDir}.
     */
    static Backbone experiment(String name, Path modelDir, Path fixtures) {
        if (!ExperimentBackbones.NAMES.contains(name)) {
            throw new IllegalArgumentException("back-bone '" + name + "': expected one of " + ExperimentBackbones.NAMES
                    + " (or any-precision-uniform)");
        }
        return new Backbone() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public QuantizedModel quantize(WeightSource model) throws IOException {
                // The experiment inputs are keyed on the model directory's identity, so the bundle is opened here.
                try (ModelBundle bundle = ModelBundle.open(modelDir, DeviceChoice.CPU)) {
                    return new ExperimentBackbones(fixtures, Path.of("fixtures", "quant"),
                            QuantizationStore.atDefaultLocation()).build(name, bundle);
                }
            }
        };
    }

    /**
     * {@code any-precision-uniform} (plain k-means, uniform sensitivities), or any of {@link ExperimentBackbones#NAMES}
     * as the suite builds it. Committed schedules exist for the grid's back-bones only ({@code any-precision},
     * {@code gptq}, {@code haq}, {@code bit-mixer}, each its own under
     * {@code fixtures/pmpd/{static,learned}/<back-bone>/}); {@code rtn}, the per-row configurations and
     * {@code any-precision-uniform} have none, so PMPD's static and learned schedulers cannot run on them until
     * they are fitted.
     */
    static Backbone parse(String name, Path modelDir, Path fixtures) {
        return name.equals("any-precision-uniform") ? anyPrecisionUniform() : experiment(name, modelDir, fixtures);
    }
}
