package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** Chooses the suite's cell runner by {@value #PROPERTY}: {@value #IN_PROCESS} (the default) or a registered one. */
public final class CellRunners {

    /** The system property that names the runner. */
    public static final String PROPERTY = "pmpd.runner";

    /** The runner that decodes in the test JVM ({@link FixtureCellRunner}). */
    public static final String IN_PROCESS = "in-process";

    /** The runner that decodes in decoder containers; registered by the test sources. */
    public static final String CONTAINER = "container";

    private CellRunners() {}

    /**
     * The runner called {@code name}: the in-process one, or the provider of that name.
     *
     * @throws IllegalArgumentException naming the accepted values when no runner has that name, or saying what is
     *     missing when {@value #CONTAINER} is asked for and not registered
     */
    public static CellRunner open(String name, SuiteRegistry registry, SuiteSettings settings,
            Iterable<CellRunnerProvider> providers) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals(IN_PROCESS)) {
            return new FixtureCellRunner(registry, settings);
        }
        List<String> accepted = new ArrayList<>(List.of(IN_PROCESS, CONTAINER));
        for (CellRunnerProvider p : providers) {
            if (p.name().equals(wanted)) {
                return p.open(registry, settings);
            }
            if (!accepted.contains(p.name())) {
                accepted.add(p.name());
            }
        }
        if (wanted.equals(CONTAINER)) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + ": no container runner is registered"
                    + " (META-INF/services/" + CellRunnerProvider.class.getName() + "); it lives in the test"
                    + " sources (org.pmpdrepro.container.SuiteContainerAdapter), so run the suite with Maven's test"
                    + " class path, or choose -D" + PROPERTY + "=" + IN_PROCESS);
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + ": expected one of "
                + String.join(", ", accepted));
    }
}
