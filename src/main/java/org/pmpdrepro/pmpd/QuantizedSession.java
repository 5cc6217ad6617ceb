package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.pmpdrepro.decode.DecodeEngine;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.cpu.JavaDecoder;
import org.pmpdrepro.decode.cpu.JavaLlama;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.RowThreads;
import org.pmpdrepro.decode.cpu.kernel.UniformKernel;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.model.ModelFiles;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.KernelLinears;
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
    /** What the Java engine holds (its threads and off-heap matrices); none on DJL. */
    private final AutoCloseable engine;

    private QuantizedSession(ModelBundle bundle, QuantizedModel quantized, PmpdRunner runner, AutoCloseable engine) {
        this.bundle = bundle;
        this.quantized = quantized;
        this.runner = runner;
        this.engine = engine;
    }

    /**
     * A session decoding on DJL: {@code backbone} built from the model in {@code modelDir} and the task fixtures in
     * {@code fixtures} (calibration text).
     */
    public static QuantizedSession open(Path modelDir, DeviceChoice device, Backbone backbone, Path fixtures,
            int batchSize, TaskScorer.Config scorer) throws IOException {
        return open(modelDir, device, backbone, fixtures, batchSize, scorer, DecodeEngine.DJL);
    }

    /**
     * A session decoding on {@code engine}. The Java engine packs every width the back-bone serves, and full precision
     * as fp32 rows (the weights DJL computes with), when the session opens; it decodes one prompt at a time on the CPU
     * ({@code batchSize} then only names the DJL decoding of other runs) and serves back-bones that keep a coded form
     * (rtn, gptq, any-precision): another one is refused naming them.
     */
    public static QuantizedSession open(Path modelDir, DeviceChoice device, Backbone backbone, Path fixtures,
            int batchSize, TaskScorer.Config scorer, DecodeEngine engine) throws IOException {
        long start = System.nanoTime();
        QuantizedModel q;
        // The back-bone is built from the model's files alone; the same open files then serve the model on the
        // device, so the checkpoint is opened (and the embedding read) once.
        ModelFiles files = ModelFiles.open(modelDir);
        try {
            q = backbone.build(new Backbone.Inputs(files, fixtures));
        } catch (IOException | RuntimeException | Error e) {
            ModelFiles.closeAfter(files, e);
            throw e;
        }
        LOG.info("{} quantized {} in {} s (widths {})", backbone.name(), modelDir,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), q.bitWidths());
        // Widths are dequantized when a pass first asks for them (as the suite's cells do): a run at 4>3 holds two
        // widths, not every width the back-bone serves, and the dense matrices only if full precision is served.
        ModelBundle bundle = ModelBundle.open(files, device, (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
        if (engine == DecodeEngine.DJL) {
            return new QuantizedSession(bundle, q,
                    new PmpdRunner(TaskRun.of(bundle, batchSize), q, backbone.name(), new TaskScorer(scorer)), null);
        }
        OffHeap memory = new OffHeap();
        RowThreads threads = new RowThreads(Runtime.getRuntime().availableProcessors());
        Runnable release = () -> {
            threads.close();
            memory.close();
        };
        try {
            start = System.nanoTime();
            JavaLlama model = new JavaLlama(bundle.config(), JavaLlama.Dense.of(bundle.checkpoint(),
                    DenseGemv.Element.F32, memory), KernelLinears.of(q, q.bitWidths(), Optional.of(bundle.checkpoint()),
                    DenseGemv.Element.F32, memory,
                    engine == DecodeEngine.JAVA_INT16 ? UniformKernel.INT16 : UniformKernel.FP32), threads);
            LOG.info("{} engine: {} packed at {} bits in {} s (full precision when a step first asks), {} threads",
                    engine.id(), backbone.name(), q.bitWidths(),
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), threads.threads());
            TaskRun run = new TaskRun(new JavaDecoder(model, engine.id()), bundle.tokenizer(), 1);
            return new QuantizedSession(bundle, q, new PmpdRunner(run, q, backbone.name(), new TaskScorer(scorer)),
                    release::run);
        } catch (IOException | RuntimeException e) {
            release.run();
            bundle.close();
            throw e;
        }
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
        try {
            if (engine != null) {
                engine.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the java engine: " + e.getMessage(), e);
        } finally {
            bundle.close();
        }
    }
}
