package org.pmpdrepro.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random weights of a Llama shape, made when asked for, one tensor at a time: norm gains one, every other tensor
 * Gaussian with standard deviation {@code std} from a generator seeded by {@code seed} and the tensor's name (so a
 * tensor is the same whatever else is asked for). What {@code pmpd synthetic-checkpoint} writes, and a source for
 * exports of models larger than the heap.
 */
public final class GeneratedWeights implements WeightSource {

    private final LlamaConfig config;
    private final double std;
    private final long seed;
    private final Map<String, LlamaWeightLayout.Expected> expected = new LinkedHashMap<>();

    public GeneratedWeights(LlamaConfig config, double std, long seed) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("standard deviation " + std + "; expected above 0");
        }
        this.config = config;
        this.std = std;
        this.seed = seed;
        for (LlamaWeightLayout.Expected e : LlamaWeightLayout.expected(config)) {
            expected.put(e.name(), e);
        }
    }

    /** The tensor {@code e} as this source makes it. */
    public static Tensor make(LlamaWeightLayout.Expected e, double std, long seed) {
        float[] data = new float[Math.toIntExact(Arrays.stream(e.shape()).asLongStream()
                .reduce(1, Math::multiplyExact))];
        if (e.shape().length == 1) {
            Arrays.fill(data, 1f);
        } else {
            SplittableRandom random = new SplittableRandom(seed ^ e.name().hashCode());
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (std * random.nextGaussian());
            }
        }
        return new Tensor(e.name(), e.shape(), data);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public Set<String> names() {
        return expected.keySet();
    }

    @Override
    public int[] shape(String name) throws CheckpointFormatException {
        return entry(name).shape();
    }

    @Override
    public Tensor tensor(String name) throws CheckpointFormatException {
        return make(entry(name), std, seed);
    }

    private LlamaWeightLayout.Expected entry(String name) throws CheckpointFormatException {
        LlamaWeightLayout.Expected e = expected.get(name);
        if (e == null) {
            throw new CheckpointFormatException(origin(name), name, "is not a tensor of this Llama shape");
        }
        return e;
    }

    @Override
    public String origin(String name) {
        return "generated weights (seed " + seed + ")";
    }

    @Override
    public void close() {}
}
