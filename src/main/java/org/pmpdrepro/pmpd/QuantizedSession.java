package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A model directory quantized by a back-bone and opened for PMPD decoding: bundle, quantized model and runner. */
public final class QuantizedSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizedSession.class);

    private final ModelBundle bundle;
    private final QuantizedModel quantized;
    private final PmpdRunner runner;

    private QuantizedSession(ModelBundle bundle, QuantizedModel quantized, PmpdRunner runner) {
        this.bundle = bundle;
        this.quantized = quantized;
        this.runner = runner;
    }

    public static QuantizedSession open(Path modelDir, DeviceChoice device, Backbone backbone, int batchSize,
            TaskScorer.Config scorer) throws IOException {
        long start = System.nanoTime();
        QuantizedModel q;
        try (CheckpointDirectory checkpoint = CheckpointDirectory.open(modelDir)) {
            checkpoint.validate();
            q = backbone.quantize(checkpoint);
        }
        LOG.info("{} quantized {} in {} s (widths {})", backbone.name(), modelDir,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), q.bitWidths());
        // Widths are dequantized when a pass first asks for them (as the suite's cells do): a run at 4>3 holds two
        // widths, not every width the back-bone serves, and the dense matrices only if full precision is served.
        ModelBundle bundle = ModelBundle.open(modelDir, device, (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
        return new QuantizedSession(bundle, q,
                new PmpdRunner(TaskRun.of(bundle, batchSize), q, backbone.name(), new TaskScorer(scorer)));
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public QuantizedModel quantized() {
        return quantized;
    }

    public PmpdRunner runner() {
        return runner;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
