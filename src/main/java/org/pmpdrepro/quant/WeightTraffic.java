package org.pmpdrepro.quant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pmpdrepro.decode.Precision;

/**
 * The one memory accounting of a back-bone at the precisions a schedule uses, shared by the suite, {@code pmpd}
 * and the perplexity table: bytes of quantized linear weights read per decoded token (packed codes and every side
 * table read with them; embeddings, norms and head excluded, as in {@link QuantizedModel#memory}), the effective
 * bits per weight they amount to, and bytes resident to serve a precision pair. Full precision counts fp16 bytes,
 * as the paper counts its dense model. Named policies are accounted matrix by matrix where the back-bone can
 * ({@link QuantizedModel#policyMemory}); another mixed policy (a two-width mix chosen at run time) is accounted
 * matrix by matrix where the back-bone can ({@link QuantizedModel#bytesReadPerToken(BitPolicy)}), NaN otherwise.
 */
public final class WeightTraffic {

    private final QuantizedModel model;
    private final Map<String, Double> byLabel = new HashMap<>();

    public WeightTraffic(QuantizedModel model) {
        this.model = model;
    }

    /**
     * The name of the policy a back-bone publishes for nominal width {@code bits}: {@code <method>-<bits>}, such as
     * {@code haq-4} or {@code bit-mixer-3}, a mixed per-matrix policy that reads at most Any-Precision's bytes at
     * that width.
     */
    public static String nominalPolicy(QuantizedModel model, int bits) {
        return model.method() + "-" + bits;
    }

    /**
     * The precision that stands for {@code bits} in a precision pair: the back-bone's policy for that nominal width
     * when it publishes one ({@link #nominalPolicy}; HAQ and Bit-Mixer), else the uniform width.
     */
    public static Precision precision(QuantizedModel model, int bits) {
        BitPolicy policy = model.policies().get(nominalPolicy(model, bits));
        if (policy != null) {
            return policy.precision(model.config());
        }
        if (!model.policies().isEmpty() && !model.bitWidths().contains(bits)) {
            throw new IllegalArgumentException(model.method() + " has no policy for a nominal width of " + bits
                    + " bits; it has " + model.policies().keySet() + " and uniform widths " + model.bitWidths());
        }
        return Precision.bits(bits);
    }

    /** Weight bytes one decode step reads at the precision labelled {@code label} (as in a precision trace). */
    public double bytesPerStep(String label) {
        return byLabel.computeIfAbsent(label, this::compute);
    }

    /**
     * The side-table part (centroids, scales, offsets, group indices) of {@link #bytesPerStep}; 0 at full
     * precision, NaN where the back-bone cannot account for the label.
     */
    public double tableBytesPerStep(String label) {
        if (label.equals(Precision.FULL.label())) {
            return 0;
        }
        if (label.matches("\\d+bit")) {
            int bits = Integer.parseInt(label.substring(0, label.length() - 3));
            return model.memory(Set.of(bits)).tableBytesReadPerToken(bits);
        }
        if (model.policies().containsKey(label)) {
            return model.policyMemory(Set.of(label)).map(f -> (double) f.tableBytesReadPerToken(label))
                    .orElse(Double.NaN);
        }
        return Double.NaN;
    }

    /** Bits per quantized weight one decode step reads at {@code label}: bytes x 8 / weights, tables included. */
    public double effectiveBitsPerStep(String label) {
        return model.effectiveBits(bytesPerStep(label));
    }

    /** The effective bits per weight of {@code bytesPerToken} bytes read per step of this back-bone. */
    public double effectiveBits(double bytesPerToken) {
        return model.effectiveBits(bytesPerToken);
    }

    private double compute(String label) {
        if (label.equals(Precision.FULL.label())) {
            return model.quantizedWeights() * 2.0;
        }
        if (label.matches("\\d+bit")) {
            return model.bytesReadPerToken(Integer.parseInt(label.substring(0, label.length() - 3)));
        }
        if (model.policies().containsKey(label)) {
            return model.policyMemory(Set.of(label)).map(f -> (double) f.bytesReadPerToken(label)).orElse(Double.NaN);
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
     * count once, separate models add up, a (matrix, width) two policies share counts once); NaN for full
     * precision or a mixed policy the back-bone cannot account.
     */
    public static double residentBytes(QuantizedModel model, Precision high, Precision low) {
        if (high.isFull() || low.isFull()) {
            return Double.NaN;
        }
        Map<String, BitPolicy> policies = model.policies();
        if (policies.containsKey(high.label()) && policies.containsKey(low.label())) {
            Optional<PolicyFootprint> f = model.policyMemory(Set.of(high.label(), low.label()));
            return f.map(p -> (double) p.residentBytes()).orElse(Double.NaN);
        }
        int h = high.uniformBits();
        int l = low.uniformBits();
        if (h < 1 || l < 1) {
            return Double.NaN;
        }
        return model.memory(Set.of(h, l)).residentBytes();
    }
}
