package org.pmpdrepro.quant.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.gptq.GptqQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.Backbone.Input;

/**
 * The project's back-bones in their experiment configuration, each serving 2, 3 and 4 bits, by name. A new
 * configuration is one entry in {@link #ALL} (and a new method's codec one line in {@link QuantizationCodecs}).
 *
 * <p>{@code rtn} and {@code gptq} are the configurations the ablations compare at equal bytes: grids per group of
 * input columns, as many groups per row as read Any-Precision's bytes at each width, and for GPTQ act-order with
 * static groups. {@code rtn-per-row} and {@code gptq-per-row} keep one grid per output row (GPTQ in column order),
 * the configuration before the equal-bytes comparison, for reference.
 */
public final class Backbones {

    /** Version of the quantization code, part of every cache key: raise it when a quantizer's output changes. */
    public static final String CODE_VERSION = "1";

    private static final Map<String, Backbone> ALL = index();

    private Backbones() {}

    private static Map<String, Backbone> index() {
        Map<String, Backbone> out = new LinkedHashMap<>();
        out.put("rtn", new Backbone(RtnQuantizer.equalBytes(Set.of(2, 3, 4)), Set.of()));
        out.put("rtn-per-row", new Backbone(RtnQuantizer.perRow(Set.of(2, 3, 4)), Set.of()));
        out.put("any-precision", new Backbone(AnyPrecisionQuantizer.defaults(), Set.of(Input.SENSITIVITIES)));
        out.put("gptq", new Backbone(GptqQuantizer.equalBytes(), Set.of(Input.CALIBRATION)));
        out.put("gptq-per-row", new Backbone(GptqQuantizer.defaults(), Set.of(Input.CALIBRATION)));
        return Collections.unmodifiableMap(out);
    }

    /** Every back-bone by name, in registration order. */
    public static Map<String, Backbone> all() {
        return ALL;
    }

    /** The back-bone named {@code name}; an unknown one is an error listing the known ones. */
    public static Backbone named(String name) {
        Backbone b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown back-bone '" + name + "'; expected one of " + ALL.keySet());
        }
        return b;
    }
}
