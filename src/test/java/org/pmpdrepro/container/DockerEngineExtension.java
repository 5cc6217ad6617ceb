package org.pmpdrepro.container;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * For tests that need a Docker engine: before each test, runs it, skips it or fails it as {@link EngineVerdict}
 * decides from the engine Testcontainers finds, what {@code .ci/docker-try-up} reported before the tests
 * ({@code -Dpmpd.dockerUp.report}) and the environment; and resolves a {@link ContainerCellRunner} parameter to
 * the runner on that engine. The engine is looked at, and the runner built, once per test JVM, so the verdict is
 * logged once however many tests it concerns.
 */
final class DockerEngineExtension implements BeforeEachCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(DockerEngineExtension.class);
    private static final Logger LOG = LoggerFactory.getLogger(DockerEngineExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EngineVerdict.class, k -> judge(), EngineVerdict.class)
                .enforce();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ContainerCellRunner.class;
    }

    /** Called after {@link #beforeEach}, so only where the engine has what the runner needs. */
    @Override
    public ContainerCellRunner resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ContainerCellRunner.class, k -> runner(), ContainerCellRunner.class);
    }

    private static EngineVerdict judge() {
        Optional<String> bringUp = bringUpReport();
        EngineVerdict verdict = EngineVerdict.of(missing(), bringUp, System.getenv());
        switch (verdict.action()) {
            case RUN -> LOG.info("Docker engine ready for the container tests{}",
                    bringUp.map(r -> " (.ci/docker-try-up: " + r + ")").orElse(""));
            case SKIP -> LOG.warn("{}", verdict.message());
            case FAIL -> LOG.error("{}", verdict.message());
        }
        return verdict;
    }

    /** What the engine lacks for the container tests: an engine at all, or the base image a build starts from. */
    private static Optional<String> missing() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("no Docker engine answers");
        }
        Optional<String> base = DecoderImage.baseImageFromSystemProperties();
        if (base.isPresent()) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(base.get()).exec();
            } catch (NotFoundException e) {
                return Optional.of("the Docker engine has no base image " + base.get());
            }
        }
        return Optional.empty();
    }

    /** The line {@code .ci/docker-try-up} left, when Maven ran it before these tests. */
    private static Optional<String> bringUpReport() {
        String file = System.getProperty("pmpd.dockerUp.report", "");
        if (file.isBlank() || !Files.isRegularFile(Path.of(file))) {
            return Optional.empty();
        }
        try {
            String line = Files.readString(Path.of(file)).strip();
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report of .ci/docker-try-up at " + file, e);
        }
    }

    private static ContainerCellRunner runner() {
        long start = System.nanoTime();
        ContainerCellRunner runner = ContainerCellRunner.fromSystemProperties();
        LOG.info("decoder image {} ready in {} s", runner.image(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        return runner;
    }
}
