package org.pmpdrepro.model;

/** What a tensor must satisfy to be used as weights, checked where weights are validated and read. */
final class WeightChecks {

    private WeightChecks() {}

    /** Refuses an element type that cannot hold weights, naming the tensor and the type. */
    static void requireWeightType(String origin, String name, DType dtype) throws CheckpointFormatException {
        if (!dtype.holdsWeights()) {
            throw new CheckpointFormatException(origin, name, "has dtype " + dtype + "; expected "
                    + DType.WEIGHT_TYPES + " (weights are floating-point; integer data would decode as garbage)");
        }
    }

    /** Refuses a tensor with a NaN or infinite value, naming the first one. */
    static Tensor requireFinite(String origin, Tensor t) throws CheckpointFormatException {
        int bad = t.firstNonFinite();
        if (bad >= 0) {
            throw new CheckpointFormatException(origin, t.name(), "element " + t.coordinates(bad) + " is "
                    + t.data()[bad] + "; expected finite weights (one NaN or infinity turns every logit after it NaN)");
        }
        return t;
    }
}
