package org.pmpdrepro.container;

/** A cell names a back-bone, scheduler or pair an executor cannot run; {@code run-job} exits with 2 on it. */
public final class UnsupportedCellException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnsupportedCellException(String message) {
        super(message);
    }
}
