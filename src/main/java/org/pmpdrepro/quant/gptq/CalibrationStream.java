package org.pmpdrepro.quant.gptq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.quant.gptq.CalibrationHessians.Accumulator;
import org.pmpdrepro.quant.gptq.CalibrationHessians.Batch;

/**
 * The calibration sequences' residual streams held between blocks, as GPTQ's reference keeps its layer inputs:
 * block {@code l}'s Hessians come from one pass of block {@code l} over the streams, and once the block is quantized
 * one more pass carries the streams to block {@code l + 1}. Each block therefore runs twice per width instead of
 * the whole prefix of the model once per block, and the numbers are those of {@link CalibrationHessians#collect}
 * (the same operations on the same arrays, batch by batch in the same order).
 *
 * <p>Holds {@code tokens x hidden} floats of residual stream (padding included) for the life of the stream.
 */
final class CalibrationStream implements AutoCloseable {

    private final DjlLlama model;
    private final NDManager manager;
    private final List<Batch> batches;
    private final List<NDArray> streams = new ArrayList<>();
    private int block;

    private CalibrationStream(DjlLlama model, List<int[]> sequences) {
        CalibrationHessians.requireValid(sequences, model.config());
        this.model = model;
        this.manager = model.manager().newSubManager();
        this.batches = CalibrationHessians.batches(sequences);
        for (Batch b : batches) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = LlamaGraph.embed(model, manager.create(b.ids(), new Shape(b.rows(), b.width())));
                NDScope.unregister(x);
                x.attach(manager);
                streams.add(x);
            }
        }
    }

    /** The streams entering block 0 of {@code model}. */
    static CalibrationStream start(DjlLlama model, List<int[]> sequences) {
        return new CalibrationStream(model, sequences);
    }

    /** The block whose input the streams hold. */
    int block() {
        return block;
    }

    /** The input Hessians of the current block, its matrices served at {@code precision}. */
    CalibrationHessians hessians(Precision precision) {
        Accumulator acc = new Accumulator(Set.of(block));
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                acc.mask = m.create(b.real(), new Shape((long) b.rows() * b.width(), 1));
                acc.realTokens = b.realTokens();
                LlamaGraph.block(model, step(m, b), block, streams.get(i),
                        RowPrecisions.uniform(precision, b.rows()).observedBy(acc));
            } catch (CalibrationHessians.LastInputSeen stop) {
                // Expected: the block's last input is recorded; its output is not needed here.
            } finally {
                acc.mask = null;
            }
        }
        return acc.hessians();
    }

    /** Runs the current block over the streams, its matrices served at {@code precision}, and moves to the next. */
    void advance(Precision precision) {
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            NDArray next;
            try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                next = LlamaGraph.block(model, step(m, b), block, streams.get(i),
                        RowPrecisions.uniform(precision, b.rows()));
                NDScope.unregister(next);
                next.attach(manager);
            }
            streams.set(i, next).close();
        }
        block++;
    }

    private LlamaGraph.Step step(NDManager m, Batch b) {
        Shape shape = new Shape(b.rows(), b.width());
        return LlamaGraph.step(model, m.create(b.ids(), shape), m.create(b.positions(), shape), null, null);
    }

    @Override
    public void close() {
        streams.clear();
        manager.close();
    }
}
