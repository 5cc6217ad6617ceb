package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.quant.bitmixer.LsqGrid;

/**
 * Gradients must not depend on when the garbage collector runs. Between the forward and the backward pass these
 * tests collect garbage and then fill freshly allocated small direct buffers with NaN, so that any tensor the graph
 * saved in a Java buffer that has since been freed would be read back as NaN; the gradients must equal, bit for bit,
 * those of an undisturbed pass.
 */
@Tag("unit")
class GradientLifetimeTest {

    @Test
    void llamaGradientsAreTheSameWhenTheCollectorRunsBetweenForwardAndBackward() throws Exception {
        Map<String, float[]> quiet = llamaGradients(false);
        Map<String, float[]> disturbed = llamaGradients(true);
        assertThat(disturbed.keySet()).containsExactlyElementsOf(quiet.keySet());
        quiet.forEach((name, g) -> {
            assertThat(allFinite(g)).as("quiet gradient of %s is finite", name).isTrue();
            assertThat(disturbed.get(name)).as(name).containsExactly(g);
        });
    }

    @Test
    void fakeQuantizationGradientsAreTheSameWhenTheCollectorRunsBetweenForwardAndBackward() throws Exception {
        float[][] quiet = lsqGradients(false);
        float[][] disturbed = lsqGradients(true);
        for (int i = 0; i < quiet.length; i++) {
            assertThat(allFinite(quiet[i])).isTrue();
            assertThat(disturbed[i]).containsExactly(quiet[i]);
        }
    }

    private static Map<String, float[]> llamaGradients(boolean disturb) throws Exception {
        int batch = 2;
        int len = 6;
        try (NDManager m = NDManager.newBaseManager();
                TrainableLlama llama = TrainableLlama.initialise(TrainerTest.TINY, m.newSubManager(), 11L)) {
            long[] ids = new long[batch * (len + 1)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 3 + (i * 5 % 27);
            }
            NDArray all = m.create(ids, new Shape(batch, len + 1));
            NDArray inputs = all.get(":, :-1");
            NDArray targets = all.get(":, 1:");
            NDArray positions = m.arange(0, len, 1, ai.djl.ndarray.types.DataType.INT64).reshape(1, len).repeat(0, batch);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = LlamaGraph.hidden(llama, inputs, positions, null, null,
                        RowPrecisions.uniform(Precision.FULL, batch));
                NDArray loss = LlamaGraph.logits(llama, hidden).logSoftmax(-1)
                        .gather(targets.expandDims(-1), -1).mean().neg();
                if (disturb) {
                    disturbFreedMemory();
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            List<String> names = llama.names();
            List<NDArray> arrays = llama.arrays();
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), arrays.get(i).getGradient().toFloatArray());
            }
            return out;
        }
    }

    private static float[][] lsqGradients(boolean disturb) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = m.create(new float[] {0.31f, -0.12f, 0.07f, -0.44f, 0.26f, 0.02f}, new Shape(3, 2));
            NDArray step = m.create(new float[] {0.1f, 0.15f}, new Shape(1, 2));
            weight.setRequiresGradient(true);
            step.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray q = LsqGrid.fakeQuantize(weight, step, 3, LsqGrid.gradientScale(3, 3));
                NDArray loss = q.square().sum();
                if (disturb) {
                    disturbFreedMemory();
                }
                gc.backward(loss);
            }
            return new float[][] {weight.getGradient().toFloatArray(), step.getGradient().toFloatArray()};
        }
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Lets the collector free unreachable direct buffers, then reuses small native blocks filled with NaN. */
    private static void disturbFreedMemory() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
        }
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (i % 2)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(Float.NaN);
            }
            filler.add(b);
        }
        assertThat(filler).hasSize(4000);
    }
}
