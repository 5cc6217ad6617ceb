package org.pmpdrepro.quant.gptq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LinearInputObserver;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The input Hessians of the linear layers of some decoder blocks, gathered by running calibration sequences through
 * the model's own forward pass ({@link LlamaGraph}) with a {@link LinearInputObserver} attached. Projections that
 * read the same input share one Hessian: q/k/v the normed residual, gate/up the normed residual after attention;
 * o reads the attention output and down the SwiGLU product.
 */
public final class CalibrationHessians {

    /** Where in a block a projection takes its input from. */
    public enum InputSite {
        ATTENTION_INPUT, ATTENTION_OUTPUT, MLP_INPUT, MLP_PRODUCT;

        public static InputSite of(Linear proj) {
            return switch (proj) {
                case Q, K, V -> ATTENTION_INPUT;
                case O -> ATTENTION_OUTPUT;
                case GATE, UP -> MLP_INPUT;
                case DOWN -> MLP_PRODUCT;
            };
        }

        /** The one projection of the site whose input is recorded (the others see the same array). */
        Linear recordedAt() {
            return switch (this) {
                case ATTENTION_INPUT -> Linear.Q;
                case ATTENTION_OUTPUT -> Linear.O;
                case MLP_INPUT -> Linear.GATE;
                case MLP_PRODUCT -> Linear.DOWN;
            };
        }
    }

    private record Key(int layer, InputSite site) {}

    private final Map<Key, InputHessian> hessians;

    private CalibrationHessians(Map<Key, InputHessian> hessians) {
        this.hessians = Collections.unmodifiableMap(hessians);
    }

    /** Sequences per forward pass: right-padded, the padding masked out of the statistics. */
    static final int BATCH = 16;

    /**
     * Runs {@code sequences} through {@code model} at {@code precision}, {@link #BATCH} at a time, as far as the
     * last block of {@code layers}, and returns the input Hessians of those blocks. GPTQ itself carries the streams
     * block by block ({@link CalibrationStream}); this whole-prefix pass is the reference that is tested against. Sequences are right-padded; under the causal mask padding
     * never reaches a real token, and padded positions are left out of the sums.
     */
    public static CalibrationHessians collect(DjlLlama model, List<int[]> sequences, Precision precision,
            Set<Integer> layers) {
        LlamaConfig config = model.config();
        requireValid(sequences, config);
        for (int l : layers) {
            if (l < 0 || l >= config.numLayers()) {
                throw new IllegalArgumentException("gptq: layer " + l + " outside 0.." + (config.numLayers() - 1));
            }
        }
        Accumulator acc = new Accumulator(Set.copyOf(layers));
        for (Batch b : batches(sequences)) {
            try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                acc.mask = m.create(b.real(), new Shape((long) b.rows() * b.width(), 1));
                acc.realTokens = b.realTokens();
                LlamaGraph.hidden(model, m.create(b.ids(), new Shape(b.rows(), b.width())),
                        m.create(b.positions(), new Shape(b.rows(), b.width())), null, null,
                        RowPrecisions.uniform(precision, b.rows()).observedBy(acc));
            } catch (LastInputSeen stop) {
                // Expected: the blocks after the last observed one cannot change its inputs.
            } finally {
                acc.mask = null;
            }
        }
        return acc.hessians();
    }

    /**
     * One forward batch of calibration sequences, right-padded to the longest: token ids and positions
     * {@code [rows, width]} and 1 for a real token, 0 for padding.
     */
    record Batch(int rows, int width, long[] ids, long[] positions, float[] real, long realTokens) {}

    /** The sequences in batches of {@link #BATCH}, longest first (ties in given order), so little is padding. */
    static List<Batch> batches(List<int[]> sequences) {
        List<int[]> ordered = sequences.stream().sorted(Comparator.comparingInt((int[] s) -> -s.length)).toList();
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += BATCH) {
            List<int[]> batch = ordered.subList(from, Math.min(ordered.size(), from + BATCH));
            int rows = batch.size();
            int width = batch.stream().mapToInt(s -> s.length).max().orElseThrow();
            long[] ids = new long[rows * width];
            long[] pos = new long[rows * width];
            float[] real = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                int[] s = batch.get(r);
                for (int t = 0; t < width; t++) {
                    ids[r * width + t] = t < s.length ? s[t] : s[s.length - 1];
                    pos[r * width + t] = t;
                    real[r * width + t] = t < s.length ? 1f : 0f;
                }
            }
            out.add(new Batch(rows, width, ids, pos, real, batch.stream().mapToLong(s -> s.length).sum()));
        }
        return out;
    }

    /** Checks that {@code sequences} is non-empty and each sequence fits the model's vocabulary and positions. */
    static void requireValid(List<int[]> sequences, LlamaConfig config) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("gptq needs calibration sequences; none were given");
        }
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = sequences.get(i);
            if (s.length < 1 || s.length > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("calibration sequence " + i + " has " + s.length
                        + " tokens; expected 1.." + config.maxPositionEmbeddings());
            }
            for (int t = 0; t < s.length; t++) {
                if (s[t] < 0 || s[t] >= config.vocabSize()) {
                    throw new IllegalArgumentException("calibration sequence " + i + " position " + t + ": token "
                            + s[t] + " outside the vocabulary [0, " + config.vocabSize() + ")");
                }
            }
        }
    }

    /** The Hessian of the input of {@code proj} in block {@code layer}. */
    public InputHessian forLinear(int layer, Linear proj) {
        InputHessian h = hessians.get(new Key(layer, InputSite.of(proj)));
        if (h == null) {
            throw new IllegalArgumentException("gptq: no inputs of block " + layer + " were collected (blocks "
                    + new TreeSet<>(hessians.keySet().stream().map(Key::layer).toList()) + " were)");
        }
        return h;
    }

    /** Ends a forward pass once the last input asked for is recorded: the rest of the pass would be wasted. */
    static final class LastInputSeen extends RuntimeException {
        LastInputSeen() {
            super("all requested linear inputs recorded", null, false, false);
        }
    }

    /** Sums {@code x x^T} per (block, site), in the order the forward pass produces the inputs. */
    static final class Accumulator implements LinearInputObserver {
        private final Set<Integer> layers;
        private final int lastLayer;
        private final Map<Key, double[]> grams = new HashMap<>();
        private final Map<Key, Long> tokens = new HashMap<>();
        /** 1 for a real token, 0 for padding, {@code [rows * time, 1]}, of the batch being run. */
        NDArray mask;
        long realTokens;

        Accumulator(Set<Integer> layers) {
            this.layers = layers;
            this.lastLayer = layers.stream().mapToInt(Integer::intValue).max().orElse(-1);
        }

        /** The Hessians of the sums so far. */
        CalibrationHessians hessians() {
            Map<Key, InputHessian> out = new HashMap<>();
            grams.forEach((k, gram) -> {
                int size = (int) Math.round(Math.sqrt(gram.length));
                out.put(k, InputHessian.fromGram(size, tokens.get(k), gram));
            });
            return new CalibrationHessians(out);
        }

        @Override
        public void observe(int layer, Linear proj, NDArray input) {
            InputSite site = InputSite.of(proj);
            if (!layers.contains(layer) || proj != site.recordedAt()) {
                return;
            }
            Shape shape = input.getShape();
            long in = shape.get(shape.dimension() - 1);
            // One batch's products in fp32, as the reference computes them; batches are summed in double.
            NDArray flat = input.reshape(-1, in).mul(mask);
            float[] gram = flat.transpose().matMul(flat).toFloatArray();
            Key key = new Key(layer, site);
            double[] sum = grams.computeIfAbsent(key, k -> new double[gram.length]);
            for (int i = 0; i < gram.length; i++) {
                sum[i] += gram[i];
            }
            tokens.merge(key, realTokens, Long::sum);
            if (layer == lastLayer && site == InputSite.MLP_PRODUCT) {
                throw new LastInputSeen();
            }
        }
    }
}
