package org.pmpdrepro.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RopeTables;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The trainable parameters of a Llama model, served to the shared forward graph. Linear weights are held
 * transposed ({@code [in, out]}) as the graph reads them and exported in the Hugging Face {@code [out, in]} layout.
 */
final class TrainableLlama implements LlamaWeights, AdamW.Parameters, AutoCloseable {

    private final LlamaConfig config;
    private final NDManager manager;
    /** Parameters by Hugging Face name, in a fixed order (the optimizer and checkpoints rely on it). */
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final RopeTables rope;

    private TrainableLlama(LlamaConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.rope = new RopeTables(manager, config);
    }

    /**
     * Fresh parameters: normal(0, 0.02) matrices, the residual-stream outputs (o, down) scaled by
     * {@code 1/sqrt(2 * layers)}, unit norms. Drawn in Java from {@code seed}, so independent of the engine.
     */
    static TrainableLlama initialise(LlamaConfig config, NDManager manager, long seed) {
        TrainableLlama m = new TrainableLlama(config, manager);
        SplittableRandom rng = new SplittableRandom(seed);
        double std = 0.02;
        double residualStd = std / Math.sqrt(2.0 * config.numLayers());
        int hidden = config.hiddenSize();
        m.put(WeightNames.EMBED, normal(rng, std, config.vocabSize() * hidden), config.vocabSize(), hidden);
        for (int l = 0; l < config.numLayers(); l++) {
            m.put(WeightNames.inputNorm(l), ones(hidden), hidden);
            for (Linear proj : Linear.values()) {
                int[] io = inOut(config, proj);
                double s = proj == Linear.O || proj == Linear.DOWN ? residualStd : std;
                m.put(proj.weight(l), normal(rng, s, io[0] * io[1]), io[0], io[1]);
            }
            m.put(WeightNames.postAttentionNorm(l), ones(hidden), hidden);
        }
        m.put(WeightNames.FINAL_NORM, ones(hidden), hidden);
        if (!config.tieWordEmbeddings()) {
            m.put(WeightNames.LM_HEAD, normal(rng, std, hidden * config.vocabSize()), hidden, config.vocabSize());
        }
        return m;
    }

    /** Parameters from a checkpoint, by name; every parameter of {@code config} must be there. */
    static TrainableLlama fromArrays(LlamaConfig config, NDManager manager, Map<String, NDArray> byName) {
        TrainableLlama m = new TrainableLlama(config, manager);
        for (String name : canonicalNames(config)) {
            NDArray a = byName.get(name);
            if (a == null) {
                throw new IllegalArgumentException("checkpoint lacks parameter '" + name + "'");
            }
            a.attach(manager);
            a.setRequiresGradient(true);
            m.params.put(name, a);
        }
        return m;
    }

    /**
     * Parameters initialised from a trained model's Hugging Face tensors ({@code [out, in]} linear weights), to
     * continue training it under a new schedule.
     */
    static TrainableLlama fromTensors(LlamaConfig config, NDManager manager, Map<String, Tensor> tensors) {
        TrainableLlama m = new TrainableLlama(config, manager);
        for (String name : canonicalNames(config)) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("initial weights lack tensor '" + name + "'");
            }
            Tensor held = isTransposed(name) ? t.transposed() : t;
            m.put(name, held.data(), held.dims());
        }
        return m;
    }

    /** Held here as {@code [in, out]}: the linear projections and an untied output head. */
    private static boolean isTransposed(String name) {
        return name.endsWith("_proj.weight") || name.equals(WeightNames.LM_HEAD);
    }

    /** Parameter names in the fixed order used by the optimizer and checkpoints. */
    static List<String> canonicalNames(LlamaConfig config) {
        List<String> names = new ArrayList<>();
        names.add(WeightNames.EMBED);
        for (int l = 0; l < config.numLayers(); l++) {
            names.add(WeightNames.inputNorm(l));
            for (Linear proj : Linear.values()) {
                names.add(proj.weight(l));
            }
            names.add(WeightNames.postAttentionNorm(l));
        }
        names.add(WeightNames.FINAL_NORM);
        if (!config.tieWordEmbeddings()) {
            names.add(WeightNames.LM_HEAD);
        }
        return names;
    }

    /** [in, out] of a projection, the transposed layout held here. */
    private static int[] inOut(LlamaConfig c, Linear proj) {
        return switch (proj) {
            case Q, O -> new int[] {c.hiddenSize(), c.hiddenSize()};
            case K, V -> new int[] {c.hiddenSize(), c.kvDim()};
            case GATE, UP -> new int[] {c.hiddenSize(), c.intermediateSize()};
            case DOWN -> new int[] {c.intermediateSize(), c.hiddenSize()};
        };
    }

    private static float[] normal(SplittableRandom rng, double std, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (gaussian(rng) * std);
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, 1f);
        return d;
    }

    /** Box–Muller on the splittable stream, so the draw does not depend on library versions. */
    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private void put(String name, float[] data, long... dims) {
        NDArray a = manager.create(data, new Shape(dims));
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(params.keySet());
    }

    @Override
    public List<NDArray> arrays() {
        return new ArrayList<>(params.values());
    }

    /** Replaces a parameter after an optimizer step (the old array is closed). */
    @Override
    public void replace(String name, NDArray updated) {
        NDArray old = params.put(name, updated);
        updated.setRequiresGradient(true);
        if (old != null && old != updated) {
            old.close();
        }
    }

    /** Whether weight decay applies: matrices yes, norm gains no. */
    static boolean decays(String name) {
        return !name.endsWith("norm.weight");
    }

    /** The parameters as Hugging Face tensors ({@code [out, in]} linear weights). */
    Map<String, Tensor> export() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray a = e.getValue();
            long[] s = a.getShape().getShape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = (int) s[i];
            }
            Tensor held = new Tensor(name, shape, a.toFloatArray());
            out.put(name, isTransposed(name) ? held.transposed() : held);
        }
        return out;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public NDArray embedding() {
        return params.get(WeightNames.EMBED);
    }

    @Override
    public NDArray inputNorm(int layer) {
        return params.get(WeightNames.inputNorm(layer));
    }

    @Override
    public NDArray postAttentionNorm(int layer) {
        return params.get(WeightNames.postAttentionNorm(layer));
    }

    @Override
    public NDArray finalNorm() {
        return params.get(WeightNames.FINAL_NORM);
    }

    @Override
    public NDArray lmHeadTransposed() {
        // Tied: the graph multiplies by embedding^T, which autograd differentiates through the transpose.
        return config.tieWordEmbeddings() ? embedding().transpose() : params.get(WeightNames.LM_HEAD);
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        return params.get(proj.weight(layer));
    }

    @Override
    public NDArray ropeCos(long positions) {
        return rope.cos(positions);
    }

    @Override
    public NDArray ropeSin(long positions) {
        return rope.sin(positions);
    }

    @Override
    public void close() {
        manager.close();
    }
}
