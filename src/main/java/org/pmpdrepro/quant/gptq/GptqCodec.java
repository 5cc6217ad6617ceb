package org.pmpdrepro.quant.gptq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.LlamaWeightLayout;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.QuantizationCodec;
import org.pmpdrepro.quant.store.StoredQuantization;

/**
 * Stores a {@link GptqModel}: per matrix and bit-width {@code <weight>.<b>bit.codes} {@code [out, in]},
 * {@code .offsets} and {@code .scales} {@code [out, groups]} (fp16 values, exact in fp32) and {@code .group_index}
 * {@code [in]}; the configuration as parameters. Decoding checks every value it reads, and that a group index the
 * configuration does not need (it follows from the column) is the one it implies.
 */
public final class GptqCodec implements QuantizationCodec {

    static final String BIT_WIDTHS = "bit_widths";
    static final String BLOCK_SIZE = "block_size";
    static final String DAMPENING = "dampening";
    static final String ACT_ORDER = "act_order";
    static final String GROUPING = "grouping";
    static final String STATIC_GROUPS = "static_groups";

    @Override
    public String method() {
        return GptqQuantizer.METHOD;
    }

    @Override
    public StoredQuantization encode(QuantizedModel model) {
        if (!(model instanceof GptqModel gptq)) {
            throw new IllegalArgumentException("the gptq codec stores gptq models, not " + model.method());
        }
        GptqQuantizer s = gptq.settings();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(BIT_WIDTHS, String.join(",", s.bitWidths().stream().map(String::valueOf).toList()));
        parameters.put(BLOCK_SIZE, Integer.toString(s.blockSize()));
        parameters.put(DAMPENING, Double.toString(s.dampening()));
        parameters.put(ACT_ORDER, Boolean.toString(s.actOrder()));
        parameters.put(GROUPING, s.grouping().id());
        parameters.put(STATIC_GROUPS, Boolean.toString(s.staticGroups()));
        List<Tensor> tensors = new ArrayList<>();
        for (LinearId id : LinearId.all(model.config())) {
            for (int b : s.bitWidths()) {
                GptqCodes c = gptq.codesOf(id.layer(), id.proj(), b);
                String prefix = prefix(id, b);
                tensors.add(new Tensor(prefix + ".codes", new int[] {c.rows(), c.cols()}, floats(c.codes())));
                tensors.add(new Tensor(prefix + ".offsets", new int[] {c.rows(), c.groups()}, halves(c.offsets())));
                tensors.add(new Tensor(prefix + ".scales", new int[] {c.rows(), c.groups()}, halves(c.scales())));
                tensors.add(new Tensor(prefix + ".group_index", new int[] {c.cols()}, floats(c.groupIndex())));
            }
        }
        return StoredQuantization.of(method(), parameters, tensors);
    }

    @Override
    public GptqModel decode(LlamaConfig config, StoredQuantization stored) {
        if (!stored.method().equals(method())) {
            throw new IllegalArgumentException("artefact of method '" + stored.method() + "' given to the gptq codec");
        }
        GptqQuantizer settings = settings(stored);
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor t : stored.tensors()) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("gptq artefact: tensor '" + t.name() + "' appears twice");
            }
        }
        Map<String, int[]> shapes = new HashMap<>();
        for (LlamaWeightLayout.Expected e : LlamaWeightLayout.expected(config)) {
            shapes.put(e.name(), e.shape());
        }
        Map<LinearId, GptqLinear> matrices = new LinkedHashMap<>();
        int used = 0;
        for (LinearId id : LinearId.all(config)) {
            int[] shape = shapes.get(id.weightName());
            int rows = shape[0];
            int cols = shape[1];
            SortedMap<Integer, GptqCodes> byBits = new TreeMap<>();
            for (int b : settings.bitWidths()) {
                int groupSize = settings.grouping().groupSize(cols, b);
                int groups = Math.ceilDiv(cols, groupSize);
                boolean indexStored = GptqSolver.indexStored(settings.actOrder(), settings.staticGroups(), groups);
                String prefix = prefix(id, b);
                byte[] codes = bytes(require(byName, prefix + ".codes", rows, cols));
                short[] offsets = halves(require(byName, prefix + ".offsets", rows, groups));
                short[] scales = halves(require(byName, prefix + ".scales", rows, groups));
                int[] index = ints(require(byName, prefix + ".group_index", cols));
                if (!indexStored) {
                    for (int c = 0; c < cols; c++) {
                        if (index[c] != c / groupSize) {
                            throw new IllegalArgumentException("gptq artefact: tensor '" + prefix + ".group_index'"
                                    + " puts column " + c + " in group " + index[c] + "; this configuration ("
                                    + settings.grouping() + ", act-order " + settings.actOrder() + ", static groups "
                                    + settings.staticGroups() + ") puts it in group " + c / groupSize);
                        }
                    }
                }
                used += 4;
                byBits.put(b, new GptqCodes(rows, cols, b, groups, indexStored, codes, offsets, scales, index,
                        "gptq artefact: " + prefix));
            }
            matrices.put(id, new GptqLinear(rows, cols, byBits));
        }
        if (used != byName.size()) {
            TreeSet<String> extra = new TreeSet<>(byName.keySet());
            for (LinearId id : LinearId.all(config)) {
                for (int b : settings.bitWidths()) {
                    for (String part : List.of(".codes", ".offsets", ".scales", ".group_index")) {
                        extra.remove(prefix(id, b) + part);
                    }
                }
            }
            throw new IllegalArgumentException("gptq artefact has tensors the configuration does not use: " + extra);
        }
        return new GptqModel(config, settings, matrices);
    }

    private static String prefix(LinearId id, int bits) {
        return id.weightName() + "." + bits + "bit";
    }

    private static GptqQuantizer settings(StoredQuantization stored) {
        TreeSet<Integer> widths = new TreeSet<>();
        for (String part : stored.parameter(BIT_WIDTHS).split(",", -1)) {
            widths.add(integer(BIT_WIDTHS, part));
        }
        double dampening;
        try {
            dampening = Double.parseDouble(stored.parameter(DAMPENING));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gptq artefact: parameter '" + DAMPENING + "' is '"
                    + stored.parameter(DAMPENING) + "'; expected a number", e);
        }
        Grouping grouping;
        try {
            grouping = Grouping.parse(stored.parameter(GROUPING));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gptq artefact: parameter '" + GROUPING + "': " + e.getMessage(), e);
        }
        return new GptqQuantizer(widths, integer(BLOCK_SIZE, stored.parameter(BLOCK_SIZE)), dampening,
                bool(stored, ACT_ORDER), grouping, bool(stored, STATIC_GROUPS));
    }

    private static boolean bool(StoredQuantization stored, String key) {
        String value = stored.parameter(key);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("gptq artefact: parameter '" + key + "' is '" + value
                    + "'; expected true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gptq artefact: parameter '" + key + "' has '" + value
                    + "'; expected an integer", e);
        }
    }

    private static Tensor require(Map<String, Tensor> byName, String name, int... shape) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("gptq artefact: tensor '" + name + "' is missing; expected shape "
                    + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("gptq artefact: tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + "; expected " + Arrays.toString(shape));
        }
        return t;
    }

    private static float[] floats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] halves(short[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.float16ToFloat(values[i]);
        }
        return out;
    }

    private static int[] ints(Tensor t) {
        float[] d = t.data();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] != Math.rint(d[i]) || d[i] < 0 || d[i] > 65535) {
                throw new IllegalArgumentException("gptq artefact: tensor '" + t.name() + "' holds " + d[i]
                        + " at index " + i + "; expected a whole number in 0..65535");
            }
            out[i] = (int) d[i];
        }
        return out;
    }

    private static byte[] bytes(Tensor t) {
        int[] values = ints(t);
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] > 255) {
                throw new IllegalArgumentException("gptq artefact: tensor '" + t.name() + "' holds code " + values[i]
                        + " at index " + i + "; expected at most 255");
            }
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static short[] halves(Tensor t) {
        float[] d = t.data();
        short[] out = new short[d.length];
        for (int i = 0; i < d.length; i++) {
            short h = Float.floatToFloat16(d[i]);
            if (Float.floatToIntBits(Float.float16ToFloat(h)) != Float.floatToIntBits(d[i])) {
                throw new IllegalArgumentException("gptq artefact: tensor '" + t.name() + "' holds " + d[i]
                        + " at index " + i + ", which is not an fp16 value; expected the fp16 scales and offsets"
                        + " GPTQ stores");
            }
            out[i] = h;
        }
        return out;
    }
}
