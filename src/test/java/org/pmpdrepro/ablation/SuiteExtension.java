package org.pmpdrepro.ablation;

import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.pmpdrepro.suite.SuiteProperties;
import org.pmpdrepro.suite.SuiteSession;

/**
 * Owns the ablation suite's life in a JUnit run. The first ablation class to ask opens one {@link SuiteSession} for
 * the whole run, in the root context's store (so a decode made for one class serves the other), from settings read
 * once: JUnit configuration parameters, which are the launcher's parameters, the JVM's system properties and
 * {@code junit-platform.properties}, in that order of precedence. When the run ends JUnit closes the store, and with
 * it the session and its runner (the model, the decoders, the containers it started). Test methods, lifecycle
 * methods and method sources receive the session as a parameter.
 */
final class SuiteExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(SuiteExtension.class);

    /** The session and its closing, as the store keeps it. */
    private record Open(SuiteSession session) implements AutoCloseable {
        @Override
        public void close() {
            session.close();
        }
    }

    /** The run's session, opened on first use. */
    static SuiteSession session(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Open.class, k -> new Open(SuiteSession.open(settings(context), System.getenv())),
                        Open.class)
                .session();
    }

    /** The system properties with the run's configuration parameters laid over them ({@link SuiteProperties}). */
    static Properties settings(ExtensionContext context) {
        return SuiteProperties.overlay(System.getProperties(), context::getConfigurationParameter);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SuiteSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return session(context);
    }
}
