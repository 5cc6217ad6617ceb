package org.pmpdrepro.pmpd;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmpdrepro.decode.Precision;

/**
 * The two weight precisions PMPD switches between: the prefill and the first decode steps run at {@code high}, the
 * rest of the decode at {@code low}. Written as the paper writes it, {@code 4>3}.
 */
public record PrecisionPair(Precision high, Precision low) {

    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,2})\\s*>\\s*(\\d{1,2})\\s*");

    public PrecisionPair {
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(low, "low");
        if (!(high.averageBits() > low.averageBits())) {
            throw new IllegalArgumentException("precision pair " + high + ">" + low
                    + ": the high precision must have more bits than the low one");
        }
    }

    /** Parses {@code HIGH>LOW} in uniform bit-widths, such as {@code 4>3} or {@code 3>2}. */
    public static PrecisionPair parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("precision pair '" + text
                    + "': expected HIGH>LOW in bits, such as 4>3 or 3>2");
        }
        int high = Integer.parseInt(m.group(1));
        int low = Integer.parseInt(m.group(2));
        if (high <= low) {
            throw new IllegalArgumentException("precision pair '" + text + "': high " + high
                    + " bits must exceed low " + low + " bits");
        }
        try {
            return new PrecisionPair(Precision.bits(high), Precision.bits(low));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision pair '" + text + "': " + e.getMessage(), e);
        }
    }

    /** {@code 4>3}: the form {@link #parse} reads, also used in file names (as {@code 4-3}). */
    public String label() {
        return bitsLabel(high) + ">" + bitsLabel(low);
    }

    /** The label with a file-name-safe separator, {@code 4-3}. */
    public String fileLabel() {
        return bitsLabel(high) + "-" + bitsLabel(low);
    }

    private static String bitsLabel(Precision p) {
        int u = p.uniformBits();
        return u > 0 ? Integer.toString(u) : p.label();
    }

    @Override
    public String toString() {
        return label();
    }
}
