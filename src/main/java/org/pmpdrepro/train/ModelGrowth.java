package org.pmpdrepro.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;

/**
 * Function-preserving growth of a trained Llama, so that more capacity can be trained from where a smaller model
 * stands instead of from scratch.
 *
 * <ul>
 *   <li>Wider MLPs: the new gate and up rows are drawn normal(0, 0.02) from the seed and the matching down-projection
 *       columns are zero, so the new hidden units add nothing until training moves them.
 *   <li>More blocks (block expansion, as in LLaMA Pro): a copy of a block is inserted after it with its attention
 *       output and down projections set to zero; a pre-norm block whose two residual branches are zero is the
 *       identity. The blocks are split into {@code addedLayers} equal groups and the copy follows each group's last
 *       block.
 * </ul>
 *
 * The grown model computes the same function as the original; the plain-Java oracle gives bit-identical logits
 * ({@code ModelGrowthTest}).
 */
public final class ModelGrowth {

    /** Target MLP width (at least the current one), blocks to add (0 or more), seed of the new MLP rows. */
    public record Plan(int intermediateSize, int addedLayers, long seed) {
        public Plan {
            if (addedLayers < 0) {
                throw new IllegalArgumentException("--add-layers must be 0 or more, got " + addedLayers);
            }
        }
    }

    private ModelGrowth() {}

    /** The grown configuration: same everything but {@code intermediate_size} and {@code num_hidden_layers}. */
    public static LlamaConfig grownConfig(LlamaConfig c, Plan plan) {
        if (plan.intermediateSize() < c.intermediateSize()) {
            throw new IllegalArgumentException("--intermediate " + plan.intermediateSize()
                    + " is below the model's intermediate_size " + c.intermediateSize() + "; growth never shrinks");
        }
        if (plan.addedLayers() > c.numLayers()) {
            throw new IllegalArgumentException("--add-layers " + plan.addedLayers() + " exceeds the model's "
                    + c.numLayers() + " blocks; at most one copy per block");
        }
        return new LlamaConfig(c.vocabSize(), c.hiddenSize(), plan.intermediateSize(), c.numLayers() + plan.addedLayers(),
                c.numHeads(), c.numKvHeads(), c.maxPositionEmbeddings(), c.rmsNormEps(), c.ropeTheta(),
                c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenId());
    }

    /**
     * For each block of the grown model, the original block it comes from, and whether it is an inserted copy
     * (whose residual outputs start at zero).
     */
    static List<int[]> layout(int layers, int added) {
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int l = 0; l < layers; l++) {
            out.add(new int[] {l, 0});
            // The copy follows the last block of group `next` of `added` equal groups.
            if (next < added && l == (next + 1) * layers / added - 1) {
                out.add(new int[] {l, 1});
                next++;
            }
        }
        return out;
    }

    /** The grown weights (Hugging Face names and {@code [out, in]} layout). */
    public static InMemoryWeights grow(WeightSource source, Plan plan) throws IOException {
        LlamaConfig from = source.config();
        LlamaConfig to = grownConfig(from, plan);
        SplittableRandom rng = new SplittableRandom(plan.seed());
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(WeightNames.EMBED, source.tensor(WeightNames.EMBED));
        List<int[]> layout = layout(from.numLayers(), plan.addedLayers());
        for (int target = 0; target < layout.size(); target++) {
            int origin = layout.get(target)[0];
            boolean copy = layout.get(target)[1] == 1;
            out.put(WeightNames.inputNorm(target), renamed(source.tensor(WeightNames.inputNorm(origin)),
                    WeightNames.inputNorm(target)));
            out.put(WeightNames.postAttentionNorm(target), renamed(source.tensor(WeightNames.postAttentionNorm(origin)),
                    WeightNames.postAttentionNorm(target)));
            for (Linear proj : Linear.values()) {
                Tensor t = source.tensor(proj.weight(origin));
                if (copy && (proj == Linear.O || proj == Linear.DOWN)) {
                    t = new Tensor(t.name(), t.shape(), new float[t.data().length]);
                }
                t = switch (proj) {
                    case GATE, UP -> extraRows(t, to.intermediateSize(), rng);
                    case DOWN -> extraZeroColumns(t, to.intermediateSize());
                    default -> t;
                };
                out.put(proj.weight(target), renamed(t, proj.weight(target)));
            }
        }
        out.put(WeightNames.FINAL_NORM, source.tensor(WeightNames.FINAL_NORM));
        if (!from.tieWordEmbeddings()) {
            out.put(WeightNames.LM_HEAD, source.tensor(WeightNames.LM_HEAD));
        }
        return new InMemoryWeights(to, out, "grown " + source);
    }

    private static Tensor renamed(Tensor t, String name) {
        return new Tensor(name, t.shape(), t.data());
    }

    /** {@code [out, in]} with rows appended up to {@code rows}, drawn normal(0, 0.02). */
    private static Tensor extraRows(Tensor t, int rows, SplittableRandom rng) {
        int have = t.dim(0);
        int in = t.dim(1);
        float[] data = java.util.Arrays.copyOf(t.data(), rows * in);
        for (int i = have * in; i < data.length; i++) {
            data[i] = (float) (TrainableLlama.gaussian(rng) * 0.02);
        }
        return new Tensor(t.name(), new int[] {rows, in}, data);
    }

    /** {@code [out, in]} with zero columns appended up to {@code columns}. */
    private static Tensor extraZeroColumns(Tensor t, int columns) {
        int rows = t.dim(0);
        int have = t.dim(1);
        float[] data = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t.data(), r * have, data, r * columns, have);
        }
        return new Tensor(t.name(), new int[] {rows, columns}, data);
    }
}
