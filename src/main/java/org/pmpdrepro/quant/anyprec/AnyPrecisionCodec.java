package org.pmpdrepro.quant.anyprec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.DeferredTensor;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TensorData;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.CodecValues;
import org.pmpdrepro.quant.store.QuantizationCodec;
import org.pmpdrepro.quant.store.StoredQuantization;

/**
 * Stores an Any-Precision model: per matrix, the parent codes {@code [out, in]} (repacked into the same bit-planes
 * on decoding) and one fp16 centroid table {@code [out, 2^b]} per width {@code b} from seed to parent.
 */
public final class AnyPrecisionCodec implements QuantizationCodec {

    static final String SEED_BITS = "seed_bits";
    static final String PARENT_BITS = "parent_bits";

    @Override
    public String method() {
        return AnyPrecisionQuantizer.METHOD;
    }

    @Override
    public StoredQuantization encode(QuantizedModel model) {
        if (!(model instanceof AnyPrecisionModel ap)) {
            throw new IllegalArgumentException("the any-precision codec stores any-precision models, not "
                    + model.method() + " (" + model.getClass().getSimpleName() + ")");
        }
        int seed = ap.seedBits();
        int parent = ap.parentBits();
        List<TensorData> tensors = new ArrayList<>();
        for (LinearId id : LinearId.all(ap.config())) {
            AnyPrecisionLinear m = ap.matrix(id.layer(), id.proj());
            // Unpacked from the bit-planes as the store writes them: never every matrix's fp32 codes at once.
            tensors.add(new DeferredTensor(id.weightName() + ".codes", new int[] {m.rows(), m.cols()},
                    () -> CodecValues.floats(m.codes(parent))));
            for (int b = seed; b <= parent; b++) {
                tensors.add(new Tensor(table(id, b), new int[] {m.rows(), 1 << b}, CodecValues.halves(m.table(b))));
            }
        }
        return StoredQuantization.of(method(), Map.of(SEED_BITS, Integer.toString(seed),
                PARENT_BITS, Integer.toString(parent)), tensors);
    }

    private static String table(LinearId id, int bits) {
        return id.weightName() + ".centroids." + bits + "bit";
    }

    @Override
    public AnyPrecisionModel decode(LlamaConfig config, StoredQuantization stored) {
        CodecValues.requireMethod(stored, method());
        int parent = CodecValues.parseInt(stored, PARENT_BITS, 2, 8);
        int seed = CodecValues.parseInt(stored, SEED_BITS, 2, parent);
        Map<LinearId, AnyPrecisionLinear> byId = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(config)) {
            int[] shape = id.shape(config);
            // Packed straight from the stored values, read a slice at a time: no array of the whole matrix.
            TensorData codes = stored.entry(id.weightName() + ".codes", shape);
            short[][] tables = new short[parent - seed + 1][];
            for (int b = seed; b <= parent; b++) {
                tables[b - seed] = CodecValues.toHalves(stored.tensor(table(id, b), new int[] {shape[0], 1 << b}));
            }
            byId.put(id, AnyPrecisionLinear.of("any-precision artefact " + id.weightName(), shape[0], shape[1], seed,
                    BitPlanes.pack(Math.toIntExact(codes.size()), CodecValues.codesInOrder(codes, 1 << parent),
                            parent), tables));
        }
        CodecValues.requireNoExtraTensors(stored, byId.size() * (parent - seed + 2));
        return new AnyPrecisionModel(QuantizedMatrices.of(method(), config, byId), seed, parent);
    }
}
