package org.pmpdrepro.pmpd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;

/**
 * Bytes of quantized linear weights read per decoded token, from {@link QuantizedModel#memory} (embeddings, norms
 * and head excluded, as there). Full precision counts fp16 bytes, as the paper counts fp16. A mixed policy's bytes
 * are not accounted by the back-bone per matrix, so they are NaN.
 */
public final class WeightTraffic {

    private final QuantizedModel model;
    private final Map<String, Double> byLabel = new HashMap<>();

    public WeightTraffic(QuantizedModel model) {
        this.model = model;
    }

    /** Weight bytes one decode step reads at the precision labelled {@code label}. */
    public double bytesPerStep(String label) {
        return byLabel.computeIfAbsent(label, this::compute);
    }

    private double compute(String label) {
        if (label.equals(Precision.FULL.label())) {
            long params = 0;
            for (LinearId id : LinearId.all(model.config())) {
                params += BitPolicy.parameters(model.config(), id.proj());
            }
            return params * 2.0;
        }
        if (label.endsWith("bit")) {
            int bits = Integer.parseInt(label.substring(0, label.length() - 3));
            return model.bytesReadPerToken(bits);
        }
        return Double.NaN;
    }

    /**
     * Mean bytes per decode step of one sample's trace (labels; entry 0, the prefill, excluded like the average
     * bit-width), NaN without decode steps.
     */
    public double perDecodedToken(List<String> trace) {
        if (trace.size() < 2) {
            return Double.NaN;
        }
        return trace.subList(1, trace.size()).stream().mapToDouble(this::bytesPerStep).average().orElseThrow();
    }
}
