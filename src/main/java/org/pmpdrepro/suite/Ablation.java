package org.pmpdrepro.suite;

/** The two ablations the suite encodes (DESIGN.md section 2). */
public enum Ablation {
    /** A1: PMPD schedules against decoding with no precision switching. */
    REMOVE_PRECISION_SWITCHING("a1", "remove precision switching", "RemovePrecisionSwitchingTest"),
    /** A2: Any-Precision against other PTQ methods, each driving the same PMPD schedules. */
    REPLACE_PTQ_METHOD("a2", "replace the PTQ method", "ReplacePtqMethodTest");

    private final String id;
    private final String title;
    private final String testClass;

    Ablation(String id, String title, String testClass) {
        this.id = id;
        this.title = title;
        this.testClass = testClass;
    }

    /** Simple name of the JUnit class that runs this ablation's cells, for messages that say how to rerun. */
    public String testClass() {
        return testClass;
    }

    /** Short id used in files and cell ids ({@code a1}, {@code a2}). */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** Parses {@code a1}/{@code a2}, naming the accepted values on error. */
    public static Ablation fromId(String id) {
        for (Ablation a : values()) {
            if (a.id.equalsIgnoreCase(id.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown ablation '" + id + "', expected a1 or a2");
    }
}
