package org.pmpdrepro.quant.rtn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.CodecValues;
import org.pmpdrepro.quant.store.QuantizationCodec;
import org.pmpdrepro.quant.store.StoredQuantization;

/**
 * Stores a round-to-nearest model: per matrix and bit-width, the codes {@code [out, in]} and the fp16 offsets and
 * scales {@code [out, groups]} (held exactly as fp32), plus the grouping rule as a parameter (which gives every
 * matrix's group size at every width).
 */
public final class RtnCodec implements QuantizationCodec {

    static final String BIT_WIDTHS = "bit_widths";
    static final String GROUPING = "grouping";

    @Override
    public String method() {
        return RtnQuantizer.METHOD;
    }

    @Override
    public StoredQuantization encode(QuantizedModel model) {
        if (!(model instanceof RtnModel rtn)) {
            throw new IllegalArgumentException("the rtn codec stores rtn models, not " + model.method() + " ("
                    + model.getClass().getSimpleName() + ")");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put(BIT_WIDTHS, CodecValues.widths(rtn.bitWidths()));
        params.put(GROUPING, rtn.grouping().id());
        List<Tensor> tensors = new ArrayList<>();
        for (LinearId id : LinearId.all(rtn.config())) {
            RtnLinear m = rtn.matrices().get(id.layer(), id.proj());
            for (Map.Entry<Integer, RtnCodes> e : m.byBits().entrySet()) {
                int groups = RtnCodes.groups(m.cols(), e.getValue().groupSize());
                String prefix = prefix(id, e.getKey());
                tensors.add(new Tensor(prefix + "codes", new int[] {m.rows(), m.cols()}, CodecValues.floats(e.getValue().codes())));
                tensors.add(new Tensor(prefix + "offsets", new int[] {m.rows(), groups}, CodecValues.halves(e.getValue().offsets())));
                tensors.add(new Tensor(prefix + "scales", new int[] {m.rows(), groups}, CodecValues.halves(e.getValue().scales())));
            }
        }
        return StoredQuantization.of(method(), params, tensors);
    }

    private static String prefix(LinearId id, int bits) {
        return id.weightName() + "." + bits + "bit.";
    }

    @Override
    public RtnModel decode(LlamaConfig config, StoredQuantization stored) {
        CodecValues.requireMethod(stored, method());
        SortedSet<Integer> widths = CodecValues.parseWidths(stored, BIT_WIDTHS, 2, 8);
        Grouping grouping;
        try {
            grouping = Grouping.parse(stored.parameter(GROUPING));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rtn artefact: parameter '" + GROUPING + "': " + e.getMessage(), e);
        }
        Map<LinearId, RtnLinear> byId = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(config)) {
            int[] shape = id.shape(config);
            int rows = shape[0];
            int cols = shape[1];
            SortedMap<Integer, RtnCodes> byBits = new TreeMap<>();
            for (int b : widths) {
                int g = grouping.groupSize(cols, b);
                int[] tableShape = {rows, RtnCodes.groups(cols, g)};
                String prefix = prefix(id, b);
                byte[] codes = CodecValues.bytes(stored.tensor(prefix + "codes", shape));
                short[] offsets = CodecValues.toHalves(stored.tensor(prefix + "offsets", tableShape));
                short[] scales = CodecValues.toHalves(stored.tensor(prefix + "scales", tableShape));
                byBits.put(b, RtnCodes.of("rtn artefact " + prefix + "*", rows, cols, b, g, codes, offsets, scales));
            }
            byId.put(id, new RtnLinear(rows, cols, byBits));
        }
        CodecValues.requireNoExtraTensors(stored, byId.size() * widths.size() * 3);
        return new RtnModel(QuantizedMatrices.of(method(), config, byId), widths, grouping);
    }
}
