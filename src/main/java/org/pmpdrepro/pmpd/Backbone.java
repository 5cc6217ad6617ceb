package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.util.Set;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

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

    /** {@code any-precision} or {@code rtn}. */
    static Backbone parse(String name) {
        return switch (name) {
            case "any-precision" -> anyPrecisionUniform();
            case "rtn" -> rtn();
            default -> throw new IllegalArgumentException("back-bone '" + name
                    + "': expected any-precision or rtn");
        };
    }
}
