package org.pmpdrepro.quant.store;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.Quantizer;
import org.pmpdrepro.quant.SensitivitySource;

/**
 * A configured {@link Quantizer}, the inputs it uses and the codec that stores its models. Its models are built
 * through a {@link QuantizationStore}, keyed on the quantizer's settings and on exactly the inputs it uses. (The
 * named back-bones built from these are {@code quant.methods.Backbones}.)
 *
 * @param quantizer the configured method; its {@code toString()} must name every setting (true of a record), since it
 *     is the settings part of the cache key
 * @param uses which of the optional inputs the method reads
 * @param codec how the store writes and reads the method's models ({@code quant.methods.QuantizationCodecs})
 */
public record CachedQuantizer(Quantizer quantizer, Set<Input> uses, QuantizationCodec codec) {

    /** The inputs beyond the weights a method may use. */
    public enum Input {
        /** Per-weight sensitivities (Any-Precision's Fisher information). */
        SENSITIVITIES,
        /** Calibration token sequences (activation statistics, searches, fine-tuning). */
        CALIBRATION
    }

    /** Sensitivities with the identity they are keyed on, such as {@code FisherSensitivities.contentSha256()}. */
    public record Sensitivities(SensitivitySource source, String sha256) {
        public Sensitivities {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * What a backbone may be built from; a method takes only what its {@link #uses()} names.
     *
     * @param model the full-precision weights
     * @param modelSha256 the model's identity
     * @param calibration calibration sequences, if any
     * @param sensitivities sensitivities, if any
     */
    public record Inputs(WeightSource model, String modelSha256, Optional<CalibrationSet> calibration,
            Optional<Sensitivities> sensitivities) {
        public Inputs {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(modelSha256, "modelSha256");
            Objects.requireNonNull(calibration, "calibration");
            Objects.requireNonNull(sensitivities, "sensitivities");
        }
    }

    public CachedQuantizer {
        Objects.requireNonNull(quantizer, "quantizer");
        Objects.requireNonNull(codec, "codec");
        if (!codec.method().equals(quantizer.method())) {
            throw new IllegalArgumentException("codec of " + codec.method() + " for a " + quantizer.method()
                    + " quantizer");
        }
        uses = Collections.unmodifiableSet(uses.isEmpty() ? EnumSet.noneOf(Input.class) : EnumSet.copyOf(uses));
    }

    public String method() {
        return quantizer.method();
    }

    /** The cache key of this backbone's model built from {@code inputs}. */
    public CacheKey key(Inputs inputs) {
        SortedMap<String, String> params = new TreeMap<>(Map.of("quantizer", quantizer.toString()));
        String calibration = uses.contains(Input.CALIBRATION) ? requireCalibration(inputs).sha256() : CacheKey.NONE;
        String sensitivity = uses.contains(Input.SENSITIVITIES) ? requireSensitivities(inputs).sha256() : CacheKey.NONE;
        return new CacheKey(method(), params, inputs.modelSha256(), calibration, sensitivity, CacheKey.CODE_VERSION);
    }

    /** This backbone's model of {@code inputs}: from {@code store} when cached there, else quantized and stored. */
    public QuantizedModel build(QuantizationStore store, Inputs inputs) throws IOException {
        CacheKey key = key(inputs);
        return store.getOrBuild(key, codec, inputs.model().config(), () -> quantizer.quantize(inputs.model(),
                new QuantizationInputs(
                        uses.contains(Input.SENSITIVITIES) ? Optional.of(requireSensitivities(inputs).source()) : Optional.empty(),
                        uses.contains(Input.CALIBRATION) ? requireCalibration(inputs).sequences() : java.util.List.of())));
    }

    private CalibrationSet requireCalibration(Inputs inputs) {
        return inputs.calibration().orElseThrow(() -> new IllegalArgumentException(method()
                + " needs calibration sequences; none were given"));
    }

    private Sensitivities requireSensitivities(Inputs inputs) {
        return inputs.sensitivities().orElseThrow(() -> new IllegalArgumentException(method()
                + " needs per-weight sensitivities; none were given"));
    }
}
