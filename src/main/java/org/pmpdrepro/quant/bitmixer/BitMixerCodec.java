package org.pmpdrepro.quant.bitmixer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.QuantizationCodec;
import org.pmpdrepro.quant.store.StoredQuantization;

/**
 * The stored form of a {@link BitMixerModel}: per matrix and width its codes ({@code <matrix>.codes.b<bits>},
 * {@code [out, in]}, exact integers) and fp16 steps ({@code <matrix>.step.b<bits>}, {@code [out]}), the norm gains
 * per width transition ({@code <norm>.b<from>-<to>}), and as parameters the widths and each policy's bit-widths in
 * {@link LinearId#all} order ({@code policy.<name>}). Decoding serves exactly what was encoded.
 */
public final class BitMixerCodec implements QuantizationCodec {

    private static final String POLICY = "policy.";

    @Override
    public String method() {
        return BitMixerModel.METHOD;
    }

    @Override
    public StoredQuantization encode(QuantizedModel model) {
        if (!(model instanceof BitMixerModel bm)) {
            throw new IllegalArgumentException("the bit-mixer codec stores bit-mixer models, not " + model.method());
        }
        LlamaConfig config = bm.config();
        List<Tensor> tensors = new ArrayList<>();
        for (LinearId id : LinearId.all(config)) {
            BitMixerLinear m = bm.matrices().get(id);
            for (int b : bm.bitWidths()) {
                int[] codes = bm.codes(id.layer(), id.proj(), b);
                float[] asFloats = new float[codes.length];
                for (int i = 0; i < codes.length; i++) {
                    asFloats[i] = codes[i];
                }
                tensors.add(new Tensor(codesName(id, b), new int[] {m.rows(), m.cols()}, asFloats));
                tensors.add(new Tensor(BitMixerWeights.stepName(id, b), new int[] {m.rows()},
                        bm.steps(id.layer(), id.proj(), b)));
            }
        }
        for (int l = 0; l < config.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int[] t : BitMixerWeights.transitions(l, n, bm.bitWidths())) {
                    Tensor gain = bm.norm(l, n, t[0], t[1]);
                    tensors.add(new Tensor(BitMixerWeights.normName(l, n, t[0], t[1]), gain.shape(), gain.data()));
                }
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("bit_widths", BitMixerWeights.bitWidthsText(bm.bitWidths()));
        bm.policies().forEach((name, p) -> parameters.put(POLICY + name, String.join(",",
                LinearId.all(config).stream().map(id -> String.valueOf(p.bitsFor(id))).toList())));
        return StoredQuantization.of(method(), parameters, tensors);
    }

    @Override
    public QuantizedModel decode(LlamaConfig config, StoredQuantization stored) {
        if (!stored.method().equals(method())) {
            throw new IllegalArgumentException("stored quantization is of method '" + stored.method()
                    + "'; the bit-mixer codec reads '" + method() + "'");
        }
        SortedSet<Integer> widths = BitMixerWeights.parseBitWidths(stored.parameter("bit_widths"),
                "bit-mixer parameter 'bit_widths'");
        Map<String, Tensor> byName = new LinkedHashMap<>();
        stored.tensors().forEach(t -> byName.put(t.name(), t));
        Map<LinearId, BitMixerLinear> matrices = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(config)) {
            int rows = id.proj().outFeatures(config);
            int cols = id.proj().inFeatures(config);
            SortedMap<Integer, byte[]> codes = new TreeMap<>();
            SortedMap<Integer, short[]> steps = new TreeMap<>();
            for (int b : widths) {
                codes.put(b, codes(require(byName, codesName(id, b), rows, cols), b));
                float[] s = require(byName, BitMixerWeights.stepName(id, b), rows).data();
                short[] half = new short[rows];
                for (int r = 0; r < rows; r++) {
                    half[r] = Fp16.encode(s[r], "bit-mixer tensor '" + BitMixerWeights.stepName(id, b) + "' row " + r);
                }
                steps.put(b, half);
            }
            matrices.put(id, new BitMixerLinear(rows, cols, codes, steps));
        }
        List<BitMixerModel.StoredNorm> norms = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int[] t : BitMixerWeights.transitions(l, n, widths)) {
                    norms.add(new BitMixerModel.StoredNorm(l, n, t[0], t[1],
                            require(byName, BitMixerWeights.normName(l, n, t[0], t[1]), config.hiddenSize())));
                }
            }
        }
        Map<String, BitPolicy> policies = new LinkedHashMap<>();
        List<LinearId> ids = LinearId.all(config);
        stored.parameters().forEach((key, value) -> {
            if (!key.startsWith(POLICY)) {
                return;
            }
            String name = key.substring(POLICY.length());
            String[] parts = value.split(",");
            if (parts.length != ids.size()) {
                throw new IllegalArgumentException("bit-mixer parameter '" + key + "' lists " + parts.length
                        + " bit-widths; the model has " + ids.size() + " matrices");
            }
            Map<LinearId, Integer> bits = new LinkedHashMap<>();
            for (int i = 0; i < parts.length; i++) {
                try {
                    bits.put(ids.get(i), Integer.parseInt(parts[i].trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bit-mixer parameter '" + key + "' entry " + i + " is '"
                            + parts[i] + "'; expected a bit-width", e);
                }
            }
            policies.put(name, BitPolicy.of(name, bits));
        });
        return BitMixerModel.of(config, widths, matrices, norms, policies);
    }

    static String codesName(LinearId id, int bits) {
        return id.weightName() + ".codes.b" + bits;
    }

    private static Tensor require(Map<String, Tensor> byName, String name, int... shape) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("bit-mixer artefact lacks tensor '" + name + "' of shape "
                    + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("bit-mixer tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + "; expected " + Arrays.toString(shape));
        }
        return t;
    }

    private static byte[] codes(Tensor t, int bits) {
        float[] v = t.data();
        byte[] out = new byte[v.length];
        int lo = -LsqGrid.negativeLevels(bits);
        int hi = LsqGrid.positiveLevels(bits);
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < lo || v[i] > hi) {
                throw new IllegalArgumentException("bit-mixer tensor '" + t.name() + "' element " + i + " is " + v[i]
                        + "; expected an integer code in " + lo + ".." + hi);
            }
            out[i] = (byte) v[i];
        }
        return out;
    }
}
