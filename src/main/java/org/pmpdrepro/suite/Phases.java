package org.pmpdrepro.suite;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A cell's work as named phases (open the model, build the decoder, decode, score, compare with the golden), told to
 * the suite's {@link SuiteListener} while they run and on the thread that runs them: a report opens a step when a
 * phase starts and closes it when it ends, so each step carries the phase's real duration, in the test whose call
 * did the work. Work shared by later cells is not repeated there, so their tests show no such step.
 *
 * <p>The listener is the one of the {@link SuiteSession} call in progress on this thread ({@link #listening}); code
 * that runs outside one (the command line, other threads) runs its phases unreported.
 */
public final class Phases {

    private static final ThreadLocal<SuiteListener> LISTENER = new ThreadLocal<>();

    private Phases() {}

    /** Runs {@code body} as the phase {@code name}. */
    public static <T> T run(String name, Supplier<T> body) {
        return run(name, body, value -> name);
    }

    /**
     * Runs {@code body} as the phase {@code name}; once it has returned, the phase is renamed by {@code named} (to
     * say what it found, say how many prompts changed).
     */
    public static <T> T run(String name, Supplier<T> body, Function<? super T, String> named) {
        Objects.requireNonNull(name, "name");
        SuiteListener listener = LISTENER.get();
        return listener == null ? body.get() : listener.phase(name, body, named);
    }

    /** Runs {@code body} with {@code listener} told of the phases it runs on this thread (nested calls keep it). */
    static <T> T listening(SuiteListener listener, Supplier<T> body) {
        SuiteListener outer = LISTENER.get();
        LISTENER.set(listener);
        try {
            return body.get();
        } finally {
            if (outer == null) {
                LISTENER.remove();
            } else {
                LISTENER.set(outer);
            }
        }
    }
}
