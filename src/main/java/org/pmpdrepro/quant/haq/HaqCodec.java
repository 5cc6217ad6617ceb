package org.pmpdrepro.quant.haq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.QuantizationCodec;
import org.pmpdrepro.quant.store.StoredQuantization;

/**
 * Stores a {@link HaqModel}: per matrix and width, its codes ({@code <weight>.haq<b>.codes}, {@code [rows, cols]})
 * and fp16 table widened to fp32 ({@code <weight>.haq<b>.table}, {@code [rows, entries per row]}), both exact;
 * parameters {@code scheme}, {@code bit_widths} and, per policy, {@code policy.<name>} = the widths in forward
 * order.
 */
public final class HaqCodec implements QuantizationCodec {

    private static final String POLICY_PREFIX = "policy.";

    @Override
    public String method() {
        return HaqModel.METHOD;
    }

    @Override
    public StoredQuantization encode(QuantizedModel model) {
        if (!(model instanceof HaqModel haq)) {
            throw new IllegalArgumentException("the haq codec stores haq models, not " + model.method());
        }
        Map<String, String> params = new TreeMap<>();
        params.put("scheme", haq.scheme().id());
        params.put("bit_widths", haq.bitWidths().stream().map(String::valueOf).collect(Collectors.joining(",")));
        List<LinearId> order = LinearId.all(haq.config());
        haq.policies().forEach((name, p) -> params.put(POLICY_PREFIX + name,
                order.stream().map(id -> String.valueOf(p.bitsFor(id))).collect(Collectors.joining(","))));
        List<Tensor> tensors = new ArrayList<>();
        for (LinearId id : order) {
            for (int b : haq.bitWidths()) {
                QuantizedRows q = haq.rows(id, b);
                int[] codes = q.codes();
                float[] codeValues = new float[codes.length];
                for (int i = 0; i < codes.length; i++) {
                    codeValues[i] = codes[i];
                }
                tensors.add(new Tensor(codesName(id, b), new int[] {q.rows(), q.cols()}, codeValues));
                short[] table = q.table();
                float[] tableValues = new float[table.length];
                for (int i = 0; i < table.length; i++) {
                    tableValues[i] = Float.float16ToFloat(table[i]);
                }
                int perRow = (int) haq.scheme().tableEntriesPerRow(b);
                tensors.add(new Tensor(tableName(id, b), new int[] {q.rows(), perRow}, tableValues));
            }
        }
        return StoredQuantization.of(HaqModel.METHOD, params, tensors);
    }

    @Override
    public HaqModel decode(LlamaConfig config, StoredQuantization stored) {
        if (!stored.method().equals(HaqModel.METHOD)) {
            throw new IllegalArgumentException("the haq codec cannot decode a '" + stored.method() + "' artefact");
        }
        QuantScheme scheme = QuantScheme.parse(stored.parameter("scheme"));
        SortedSet<Integer> widths = new TreeSet<>();
        for (String w : stored.parameter("bit_widths").split(",")) {
            widths.add(parseInt(w, "bit_widths"));
        }
        List<LinearId> order = LinearId.all(config);
        Map<String, BitPolicy> policies = new HashMap<>();
        stored.parameters().forEach((key, value) -> {
            if (key.startsWith(POLICY_PREFIX)) {
                String[] parts = value.split(",");
                if (parts.length != order.size()) {
                    throw new IllegalArgumentException("haq artefact parameter '" + key + "' has " + parts.length
                            + " widths; the model has " + order.size() + " matrices");
                }
                Map<LinearId, Integer> bits = new HashMap<>();
                for (int i = 0; i < parts.length; i++) {
                    bits.put(order.get(i), parseInt(parts[i], key));
                }
                String name = key.substring(POLICY_PREFIX.length());
                policies.put(name, BitPolicy.of(name, bits));
            }
        });
        Map<String, Tensor> byName = new HashMap<>();
        stored.tensors().forEach(t -> byName.put(t.name(), t));
        Map<LinearId, Map<Integer, QuantizedRows>> matrices = new HashMap<>();
        for (LinearId id : order) {
            int rows = id.proj().outFeatures(config);
            int cols = (int) (BitPolicy.parameters(config, id.proj()) / rows);
            Map<Integer, QuantizedRows> byBits = new TreeMap<>();
            for (int b : widths) {
                int perRow = (int) scheme.tableEntriesPerRow(b);
                Tensor codes = require(byName, codesName(id, b), rows, cols);
                Tensor table = require(byName, tableName(id, b), rows, perRow);
                int[] codeInts = new int[codes.data().length];
                for (int i = 0; i < codeInts.length; i++) {
                    float v = codes.data()[i];
                    if (v != Math.rint(v)) {
                        throw new IllegalArgumentException("haq tensor '" + codes.name() + "' element " + i + " is "
                                + v + "; expected an integer code");
                    }
                    codeInts[i] = (int) v;
                }
                short[] halves = new short[table.data().length];
                for (int i = 0; i < halves.length; i++) {
                    halves[i] = Float.floatToFloat16(table.data()[i]);
                    if (Float.float16ToFloat(halves[i]) != table.data()[i]) {
                        throw new IllegalArgumentException("haq tensor '" + table.name() + "' element " + i + " is "
                                + table.data()[i] + "; expected an fp16 value");
                    }
                }
                byBits.put(b, QuantizedRows.of(scheme, rows, cols, b, codeInts, halves, codes.name()));
            }
            matrices.put(id, byBits);
        }
        HaqModel model = new HaqModel(config, scheme, matrices, policies);
        if (!model.bitWidths().equals(widths)) {
            throw new IllegalArgumentException("haq artefact stores bit-widths " + widths + "; its policies use "
                    + model.bitWidths());
        }
        return model;
    }

    private static Tensor require(Map<String, Tensor> byName, String name, int rows, int cols) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("haq artefact has no tensor '" + name + "'; expected shape [" + rows
                    + ", " + cols + "]");
        }
        if (!Arrays.equals(t.shape(), new int[] {rows, cols})) {
            throw new IllegalArgumentException("haq tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + "; expected [" + rows + ", " + cols + "]");
        }
        return t;
    }

    private static int parseInt(String s, String key) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("haq artefact parameter '" + key + "': '" + s
                    + "' is not an integer bit-width", e);
        }
    }

    static String codesName(LinearId id, int bits) {
        return id.weightName() + ".haq" + bits + ".codes";
    }

    static String tableName(LinearId id, int bits) {
        return id.weightName() + ".haq" + bits + ".table";
    }
}
