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
        if (isUniform()) {
            return x.matMul(weights.linearTransposed(layer, proj, perRow[0]));
        }
        NDManager manager = x.getManager();
        NDList parts = new NDList();
        long[] order = new long[perRow.length];
        int next = 0;
        for (Map.Entry<Precision, long[]> group : groups.entrySet()) {
            NDArray rows = manager.create(group.getValue());
            parts.add(x.get(new NDIndex("{}", rows)).matMul(weights.linearTransposed(layer, proj, group.getKey())));
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
