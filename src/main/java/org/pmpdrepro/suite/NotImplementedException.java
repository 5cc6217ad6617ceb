package org.pmpdrepro.suite;

/**
 * A cell names a back-bone or scheduler the suite does not know how to build yet. The cell fails (it is not
 * skipped): a grid that cannot be run is a gap, and the message says where to wire it.
 */
public final class NotImplementedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String name;

    public NotImplementedException(String kind, String name, Iterable<String> known) {
        super("not implemented: " + name + " (" + kind + "; wired so far: " + String.join(", ", known)
                + "; add it in " + SuiteRegistry.class.getName() + ".defaults())");
        this.name = name;
    }

    /** The missing back-bone or scheduler. */
    public String name() {
        return name;
    }
}
