package org.pmpdrepro.data;

/** Disjoint partitions of the packages; nothing in calibration or test appears in train. */
public enum Split {
    /** Language-model training text (not committed; written with {@code --train-out}). */
    TRAIN("train"),
    /** Quantizer calibration, static-scheduler search and learned-scheduler training. */
    CALIBRATION("calibration"),
    /** The fixed prompts every ablation decodes. */
    TEST("test");

    private final String id;

    Split(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Split fromId(String id) {
        for (Split s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + id + "', expected one of train, calibration, test");
    }
}
