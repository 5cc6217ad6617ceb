package org.pmpdrepro.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.haq.HaqModel;

/**
 * The one memory accounting of a back-bone at the precisions a schedule uses, shared by the suite, {@code pmpd}
 * and the perplexity table: bytes of quantized linear weights read per decoded token (embeddings, norms and head
 * excluded, as in {@link QuantizedModel#memory}) and bytes resident to serve a precision pair. Full precision
 * counts fp16 bytes, as the paper counts its dense model. HAQ's named policies are accounted matrix by matrix
 * ({@link HaqModel#policyMemory}); another mixed policy (a published one, or a two-width mix chosen at run time) is
 * accounted matrix by matrix where the back-bone can ({@link QuantizedModel#bytesReadPerToken(BitPolicy)}), NaN
 * otherwise.
 */
public final class WeightTraffic {

    private final QuantizedModel model;
    private final Map<String, Double> byLabel = new HashMap<>();

    public WeightTraffic(QuantizedModel model) {
        this.model = model;
    }

    /**
     * The precision that stands for {@code bits} in a precision pair: the uniform width, or for HAQ its searched
     * policy under that average-bit budget ({@code haq-<bits>}).
     */
    public static Precision precision(QuantizedModel model, int bits) {
        if (!(model instanceof HaqModel)) {
            return Precision.bits(bits);
        }
        BitPolicy policy = model.policies().get("haq-" + bits);
        if (policy == null) {
            throw new IllegalArgumentException("HAQ has no policy for a " + bits + "-bit budget; it has "
                    + model.policies().keySet());
        }
        return policy.precision(model.config());
    }

    /** Weight bytes one decode step reads at the precision labelled {@code label} (as in a precision trace). */
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
        if (label.matches("\\d+bit")) {
            return model.bytesReadPerToken(Integer.parseInt(label.substring(0, label.length() - 3)));
        }
        if (model instanceof HaqModel haq && haq.policies().containsKey(label)) {
            return haq.policyMemory(Set.of(label)).bytesReadPerToken(label);
        }
        return model.policy(label).stream().flatMapToLong(p -> model.bytesReadPerToken(p).stream())
                .mapToDouble(b -> b).findFirst().orElse(Double.NaN);
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

    /**
     * Quantized-matrix bytes that must be resident to serve both {@code high} and {@code low} (nested bit-planes
     * count once, separate models add up); NaN for full precision or a mixed policy the back-bone cannot account.
     */
    public static double residentBytes(QuantizedModel model, Precision high, Precision low) {
        if (high.isFull() || low.isFull()) {
            return Double.NaN;
        }
        if (model instanceof HaqModel haq && haq.policies().containsKey(high.label())
                && haq.policies().containsKey(low.label())) {
            return haq.policyMemory(Set.of(high.label(), low.label())).residentBytes();
        }
        int h = high.uniformBits();
        int l = low.uniformBits();
        if (h < 1 || l < 1) {
            return Double.NaN;
        }
        return model.memory(Set.of(h, l)).residentBytes();
    }
}
