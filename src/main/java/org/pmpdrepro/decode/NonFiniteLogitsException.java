package org.pmpdrepro.decode;

/**
 * A forward pass whose logits turned NaN or infinite: the weights (or a quantized form of them) or the activations
 * overflowed. Decoding stops, since the arg-max of such logits is no token the model chose.
 */
public final class NonFiniteLogitsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NonFiniteLogitsException(String message) {
        super(message);
    }
}
