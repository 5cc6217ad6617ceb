package org.pmpdrepro.quant;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmpdrepro.model.LlamaConfig;

/**
 * A per-matrix policy between two widths that travels in its own name: {@code mix-H-L-MASK-BITS}, where bit
 * {@code i} of the hexadecimal {@code MASK} puts matrix {@code i} of {@link LinearId#all} at {@code H} bits (the rest
 * at {@code L}) and {@code BITS} is the parameter-weighted average to three decimals (what a chart plots). A
 * back-bone whose matrices are servable at both widths needs nothing else to serve it, so a policy chosen while a
 * run is under way (matched to bits another schedule reached) reaches the weight provider as a precision label.
 */
public final class TwoWidthPolicy {

    private static final Pattern LABEL = Pattern.compile("mix-(\\d{1,2})-(\\d{1,2})-([0-9a-f]+)-(\\d+\\.\\d{3})");

    private TwoWidthPolicy() {}

    /** The policy putting {@code atHigh} at {@code high} bits and every other matrix of {@code config} at {@code low}. */
    public static BitPolicy of(LlamaConfig config, int high, int low, Set<LinearId> atHigh) {
        if (high <= low || low < 1 || high > 16) {
            throw new IllegalArgumentException("two-width policy " + high + ">" + low
                    + ": expected 1 <= low < high <= 16 bits");
        }
        List<LinearId> all = LinearId.all(config);
        if (!all.containsAll(atHigh)) {
            throw new IllegalArgumentException("two-width policy: " + atHigh + " names matrices the model (" 
                    + config.numLayers() + " layers) does not have");
        }
        BigInteger mask = BigInteger.ZERO;
        Map<LinearId, Integer> bits = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            boolean up = atHigh.contains(all.get(i));
            if (up) {
                mask = mask.setBit(i);
            }
            bits.put(all.get(i), up ? high : low);
        }
        double average = BitPolicy.of("mix", bits).averageBits(config);
        String name = String.format(Locale.ROOT, "mix-%d-%d-%s-%.3f", high, low, mask.toString(16), average);
        return BitPolicy.of(name, bits);
    }

    /**
     * The policy {@code label} names, or empty when the label is not of this form. A label of this form whose mask
     * names matrices the model lacks, or whose average disagrees with its mask, is an error.
     */
    public static Optional<BitPolicy> parse(String label, LlamaConfig config) {
        Matcher m = LABEL.matcher(label);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<LinearId> all = LinearId.all(config);
        BigInteger mask = new BigInteger(m.group(3), 16);
        if (mask.bitLength() > all.size()) {
            throw new IllegalArgumentException("precision '" + label + "': its mask sets bit " + (mask.bitLength() - 1)
                    + " but the model has " + all.size() + " quantized matrices");
        }
        Set<LinearId> atHigh = new java.util.HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            if (mask.testBit(i)) {
                atHigh.add(all.get(i));
            }
        }
        BitPolicy p = of(config, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), atHigh);
        if (!p.name().equals(label)) {
            throw new IllegalArgumentException("precision '" + label + "': its mask averages " + p.name()
                    + "; expected the label to end with that average");
        }
        return Optional.of(p);
    }
}
