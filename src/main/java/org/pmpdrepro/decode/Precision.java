package org.pmpdrepro.decode;

import java.util.Objects;

/**
 * The weight precision at which linear layers are served for one forward step.
 *
 * <p>A precision is a label the weight provider resolves (a uniform bit-width, or a named per-layer policy of a
 * mixed-precision back-bone) together with the average number of weight bits it reads, which is what the paper's
 * average bit-width counts. {@link #FULL} is the unquantized model, counted as 16 bits as the paper counts fp16.
 */
public record Precision(String label, double averageBits) {

    public static final Precision FULL = new Precision("full", 16.0);

    public Precision {
        Objects.requireNonNull(label, "label");
        if (!(averageBits > 0 && averageBits <= 32)) {
            throw new IllegalArgumentException("precision '" + label + "': average bits " + averageBits
                    + " outside (0, 32]");
        }
    }

    /** A uniform bit-width: every quantized linear layer at {@code bits}. */
    public static Precision bits(int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bit-width " + bits + " outside 1..16");
        }
        return bits == 16 ? FULL : new Precision(bits + "bit", bits);
    }

    public boolean isFull() {
        return equals(FULL);
    }

    /** The uniform bit-width this precision stands for, or -1 for a named mixed policy. */
    public int uniformBits() {
        if (isFull()) {
            return 16;
        }
        return label.equals(((int) averageBits) + "bit") ? (int) averageBits : -1;
    }

    @Override
    public String toString() {
        return label;
    }
}
