package org.pmpdrepro.decode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two uniform bit-widths a PMPD cell switches between: the high one serves the prefill and the early decode
 * steps, the low one the rest. Written {@code 4>3} as the paper writes its pairs; {@code 4-3} where the text must be
 * safe in a file name (cell directories, the container job protocol). {@link #parse} reads both.
 */
public record BitWidthPair(int high, int low) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,2})\\s*[>-]\\s*(\\d{1,2})");

    public BitWidthPair {
        if (low < 1 || high > 16 || high <= low) {
            throw new IllegalArgumentException("precision pair " + high + ">" + low
                    + ": expected 16 >= high > low >= 1 bits");
        }
    }

    /**
     * Parses {@code HIGH>LOW} ({@code 4>3}) or its file-name form {@code HIGH-LOW} ({@code 4-3}).
     *
     * @throws IllegalArgumentException showing the text and the expected forms
     */
    public static BitWidthPair parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("precision pair '" + text
                    + "': expected HIGH>LOW or HIGH-LOW bit-widths, such as 4>3 or 4-3");
        }
        return new BitWidthPair(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public Precision highPrecision() {
        return Precision.bits(high);
    }

    public Precision lowPrecision() {
        return Precision.bits(low);
    }

    /** {@code 4-3}: the form safe in file and directory names. */
    public String fileLabel() {
        return high + "-" + low;
    }

    /** {@code 4>3}, as the paper writes a pair. */
    @Override
    public String toString() {
        return high + ">" + low;
    }
}
