package org.pmpdrepro.pmpd;

import java.util.Objects;

/**
 * One training example of the learned scheduler: a prompt's cache features and its switch-point class.
 *
 * @param id where the prompt came from (a calibration text id)
 */
public record LabelledFeatures(String id, CacheFeatures features, int label) {

    public LabelledFeatures {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(features, "features");
        if (label < 0 || label >= SwitchPoints.CLASSES) {
            throw new IllegalArgumentException("example " + id + ": label " + label + " outside 0.."
                    + (SwitchPoints.CLASSES - 1));
        }
    }
}
