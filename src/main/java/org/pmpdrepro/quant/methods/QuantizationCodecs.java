package org.pmpdrepro.quant.methods;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.quant.anyprec.AnyPrecisionCodec;
import org.pmpdrepro.quant.bitmixer.BitMixerCodec;
import org.pmpdrepro.quant.gptq.GptqCodec;
import org.pmpdrepro.quant.haq.HaqCodec;
import org.pmpdrepro.quant.rtn.RtnCodec;
import org.pmpdrepro.quant.store.QuantizationCodec;

/** The codec of every quantization method whose models the store can save, by method name. */
public final class QuantizationCodecs {

    /** One line per method; a method's codec lives in its own sub-package. */
    private static final List<QuantizationCodec> ALL = List.of(
            new RtnCodec(),
            new AnyPrecisionCodec(),
            new HaqCodec(),
            new GptqCodec(),
            new BitMixerCodec());

    private static final SortedMap<String, QuantizationCodec> BY_METHOD = index();

    private QuantizationCodecs() {}

    private static SortedMap<String, QuantizationCodec> index() {
        SortedMap<String, QuantizationCodec> out = new TreeMap<>();
        for (QuantizationCodec c : ALL) {
            if (out.put(c.method(), c) != null) {
                throw new IllegalStateException("two codecs for method '" + c.method() + "'");
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** The codec of {@code method}; an unknown method is an error listing the known ones. */
    public static QuantizationCodec forMethod(String method) {
        QuantizationCodec c = BY_METHOD.get(method);
        if (c == null) {
            throw new IllegalArgumentException("no quantization codec for method '" + method + "'; known methods: "
                    + BY_METHOD.keySet());
        }
        return c;
    }

    /** Every registered codec by method name. */
    public static Map<String, QuantizationCodec> all() {
        return BY_METHOD;
    }
}
