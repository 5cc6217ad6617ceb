package org.pmpdrepro.quant.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.gptq.GptqQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.Backbone.Input;

/**
 * The project's back-bones in their experiment configuration, each serving 2, 3 and 4 bits, by method name. A new
 * method is one line in {@link #ALL} (and its codec one line in {@link QuantizationCodecs}).
 */
public final class Backbones {

    /** Version of the quantization code, part of every cache key: raise it when a quantizer's output changes. */
    public static final String CODE_VERSION = "1";

    private static final List<Backbone> ALL = List.of(
            new Backbone(RtnQuantizer.perRow(Set.of(2, 3, 4)), Set.of()),
            new Backbone(AnyPrecisionQuantizer.defaults(), Set.of(Input.SENSITIVITIES)),
            new Backbone(GptqQuantizer.defaults(), Set.of(Input.CALIBRATION)));

    private static final Map<String, Backbone> BY_METHOD = index();

    private Backbones() {}

    private static Map<String, Backbone> index() {
        Map<String, Backbone> out = new LinkedHashMap<>();
        for (Backbone b : ALL) {
            if (out.put(b.method(), b) != null) {
                throw new IllegalStateException("two back-bones for method '" + b.method() + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every back-bone, in registration order. */
    public static Map<String, Backbone> all() {
        return BY_METHOD;
    }

    /** The back-bone of {@code method}; an unknown one is an error listing the known ones. */
    public static Backbone named(String method) {
        Backbone b = BY_METHOD.get(method);
        if (b == null) {
            throw new IllegalArgumentException("unknown quantization method '" + method + "'; expected one of "
                    + BY_METHOD.keySet());
        }
        return b;
    }
}
