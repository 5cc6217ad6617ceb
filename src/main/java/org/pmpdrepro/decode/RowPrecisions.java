package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import org.pmpdrepro.model.WeightNames.Linear;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The weight precision of every row of a batch for one forward step.
 *
 * <p>Rows sharing a precision are computed together: one matrix product per distinct precision, the results put
 * back in row order.
 */
public final class RowPrecisions {

    private final Precision[] perRow;
    private final Map<Precision, long[]> groups;
    private final LinearInputObserver observer;

    private RowPrecisions(Precision[] perRow) {
        this(perRow, null);
    }

    private RowPrecisions(Precision[] perRow, LinearInputObserver observer) {
        this.perRow = perRow.clone();
        this.observer = observer;
        Map<Precision, List<Integer>> byPrecision = new LinkedHashMap<>();
        for (int r = 0; r < perRow.length; r++) {
            byPrecision.computeIfAbsent(perRow[r], p -> new ArrayList<>()).add(r);
        }
        Map<Precision, long[]> g = new LinkedHashMap<>();
        byPrecision.forEach((p, rows) -> g.put(p, rows.stream().mapToLong(Integer::longValue).toArray()));
        this.groups = g;
    }

    public static RowPrecisions of(Precision... perRow) {
        if (perRow.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        return new RowPrecisions(perRow);
    }

    public static RowPrecisions uniform(Precision precision, int rows) {
        Precision[] p = new Precision[rows];
        Arrays.fill(p, precision);
        return new RowPrecisions(p);
    }

    /** The same precisions, with every linear input of the step shown to {@code observer}. */
    public RowPrecisions observedBy(LinearInputObserver observer) {
        return new RowPrecisions(perRow, Objects.requireNonNull(observer, "observer"));
    }

    public int rows() {
        return perRow.length;
    }

    public Precision row(int r) {
        return perRow[r];
    }

    public boolean isUniform() {
        return groups.size() == 1;
    }

    /** {@code x [rows, ..., in]} times the weight of each row's precision, {@code [rows, ..., out]}. */
    NDArray linear(NDArray x, LlamaWeights weights, int layer, Linear proj) {
        if (observer != null) {
            observer.observe(layer, proj, x);
        }
        return product(x, p -> weights.linearTransposed(layer, proj, p));
    }

    /**
     * {@code x} through several projections that read it, {@code [rows, ..., out_i]} each in the order given: one
     * matrix product with the side-by-side weights when the model keeps them ({@link LlamaWeights#fusedTransposed}),
     * else one per projection. Each output column is the same dot product either way.
     */
    NDArray[] linears(NDArray x, LlamaWeights weights, int layer, Linear... projections) {
        if (weights.fusedTransposed(layer, perRow[0], projections) == null) {
            NDArray[] out = new NDArray[projections.length];
            for (int i = 0; i < projections.length; i++) {
                out[i] = linear(x, weights, layer, projections[i]);
            }
            return out;
        }
        if (observer != null) {
            for (Linear proj : projections) {
                observer.observe(layer, proj, x);
            }
        }
        long[] cuts = new long[projections.length - 1];
        long end = 0;
        for (int i = 0; i < cuts.length; i++) {
            // From the configuration: asking for a part would make a provider that fuses by itself build it.
            end += projections[i].outFeatures(weights.config());
            cuts[i] = end;
        }
        NDArray fused = product(x, p -> weights.fusedTransposed(layer, p, projections));
        NDArray[] parts = fused.split(cuts, fused.getShape().dimension() - 1).toArray(new NDArray[0]);
        // The parts are views that keep the memory alive; without this handle it goes once they are closed.
        fused.close();
        return parts;
    }

    /** One matrix product per distinct precision of the rows, the results put back in row order. */
    private NDArray product(NDArray x, Function<Precision, NDArray> weightOf) {
        if (isUniform()) {
            return x.matMul(weightOf.apply(perRow[0]));
        }
        NDManager manager = x.getManager();
        NDList parts = new NDList();
        long[] order = new long[perRow.length];
        int next = 0;
        for (Map.Entry<Precision, long[]> group : groups.entrySet()) {
            NDArray rows = manager.create(group.getValue());
            parts.add(x.get(new NDIndex("{}", rows)).matMul(weightOf.apply(group.getKey())));
            for (long r : group.getValue()) {
                order[(int) r] = next++;
            }
        }
        NDArray stacked = NDArrays.concat(parts, 0);
        return stacked.get(new NDIndex("{}", manager.create(order)));
    }

    /**
     * The gain of {@code norm} in block {@code layer} for every row: {@code [hidden]} when all rows read the same
     * array, otherwise {@code [rows, 1, hidden]}, each row's gain at its precision.
     */
    NDArray norm(LlamaWeights weights, int layer, BlockNorm norm) {
        if (isUniform()) {
            return weights.norm(layer, norm, perRow[0]);
        }
        Map<Precision, NDArray> byPrecision = new LinkedHashMap<>();
        NDArray first = null;
        boolean shared = true;
        for (Precision p : groups.keySet()) {
            NDArray gain = weights.norm(layer, norm, p);
            byPrecision.put(p, gain);
            first = first == null ? gain : first;
            // Identity, not value: most providers hand every precision the same dense array.
            shared &= gain == first;
        }
        if (shared) {
            return first;
        }
        NDList gains = new NDList();
        for (Precision p : perRow) {
            gains.add(byPrecision.get(p));
        }
        return NDArrays.stack(gains, 0).expandDims(1);
    }

    @Override
    public String toString() {
        return Arrays.toString(perRow);
    }
}
