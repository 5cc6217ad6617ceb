package org.pmpdrepro.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything beyond the weights that a quantizer may need. Each method takes what it uses and names what is
 * missing; new kinds of input are added here as components, so {@link Quantizer} itself never changes.
 *
 * @param sensitivities per-weight importance (Any-Precision's weighted k-means)
 * @param calibration token sequences of calibration text (for activation statistics, gradients, fine-tuning)
 */
public record QuantizationInputs(Optional<SensitivitySource> sensitivities, List<int[]> calibration) {

    public QuantizationInputs {
        Objects.requireNonNull(sensitivities, "sensitivities");
        List<int[]> copy = new ArrayList<>(calibration.size());
        for (int[] seq : calibration) {
            copy.add(seq.clone());
        }
        calibration = List.copyOf(copy);
    }

    /** No inputs beyond the weights (enough for round-to-nearest). */
    public static QuantizationInputs none() {
        return new QuantizationInputs(Optional.empty(), List.of());
    }

    public static QuantizationInputs withSensitivities(SensitivitySource sensitivities) {
        return new QuantizationInputs(Optional.of(sensitivities), List.of());
    }

    /** The calibration sequences; each array is a copy. */
    @Override
    public List<int[]> calibration() {
        return calibration.stream().map(int[]::clone).toList();
    }

    /** The sensitivities, or an error naming {@code method}, which needs them. */
    public SensitivitySource requireSensitivities(String method) {
        return sensitivities.orElseThrow(() -> new IllegalArgumentException(method
                + " needs per-weight sensitivities; none were given (use SensitivitySource.uniform() for plain"
                + " k-means)"));
    }
}
