package org.pmpdrepro.report;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pmpdrepro.data.FixtureManifest;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.ModelIdentity;

/**
 * Collects the {@link ReportEnvironment} of this JVM: what a reader needs to tell whether two reports measured the
 * same thing. A part that cannot be determined is recorded as {@code unavailable (...)} with the reason, so an
 * environment file is always written.
 */
public final class EnvironmentProbe {

    private static final long GIT_TIMEOUT_SECONDS = 10;

    private EnvironmentProbe() {}

    /**
     * @param modelDir the model directory the suite decodes with
     * @param fixturesDir the task fixtures directory ({@code manifest.json} inside)
     * @param device the device choice the suite was configured with
     * @param repository where {@code git rev-parse HEAD} runs
     * @param env the process environment ({@code GITHUB_SHA} wins over git)
     */
    public static ReportEnvironment collect(
            Path modelDir, Path fixturesDir, DeviceChoice device, Path repository, Map<String, String> env) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("java.runtime", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                + ")");
        e.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        engine(e, device);
        model(e, modelDir);
        fixtures(e, fixturesDir);
        e.put("commit", commit(repository, env));
        return new ReportEnvironment(e);
    }

    private static void engine(Map<String, String> e, DeviceChoice device) {
        e.put("djl.version", Engine.getDjlVersion());
        try {
            Engine engine = Engine.getInstance();
            e.put("djl.engine", engine.getEngineName() + " " + engine.getVersion());
            e.put("device", device.name().toLowerCase(Locale.ROOT) + " -> " + device.resolve());
        } catch (RuntimeException | LinkageError failure) {
            // The environment file must still be written when the engine is what broke the run.
            e.put("djl.engine", unavailable(failure));
            e.put("device", device.name().toLowerCase(Locale.ROOT) + " -> " + unavailable(failure));
        }
    }

    /** The same files, hashed the same way, as {@code decode.ModelBundle.identity()}, without loading the model. */
    static ModelIdentity modelIdentity(Path modelDir) throws IOException {
        try (CheckpointDirectory checkpoint = CheckpointDirectory.open(modelDir)) {
            return ModelIdentity.ofDirectory(modelDir, checkpoint);
        }
    }

    private static void model(Map<String, String> e, Path modelDir) {
        e.put("model.dir", modelDir.toString());
        try {
            e.put("model.sha256", modelIdentity(modelDir).sha256());
        } catch (IOException | RuntimeException failure) {
            e.put("model.sha256", unavailable(failure));
        }
    }

    private static void fixtures(Map<String, String> e, Path fixturesDir) {
        e.put("fixtures.dir", fixturesDir.toString());
        Path manifest = fixturesDir.resolve("manifest.json");
        try {
            e.put("fixtures.manifest.sha256", Hashes.sha256Hex(manifest));
            FixtureManifest m = TaskFixtures.manifest(fixturesDir);
            for (FixtureManifest.TaskEntry task : m.tasks()) {
                for (FixtureManifest.FileEntry f : task.files()) {
                    e.put("fixtures." + f.file() + ".sha256", f.sha256());
                }
            }
        } catch (RuntimeException failure) {
            e.put("fixtures.manifest.sha256", unavailable(failure));
        }
    }

    /** {@code GITHUB_SHA}, else {@code git rev-parse HEAD} (with {@code +dirty} for uncommitted changes), else unknown. */
    static String commit(Path repository, Map<String, String> env) {
        String sha = env.get("GITHUB_SHA");
        if (sha != null && !sha.isBlank()) {
            return sha.trim();
        }
        String head = git(repository, "rev-parse", "HEAD");
        if (head == null || !head.matches("[0-9a-f]{40}")) {
            return "unknown";
        }
        String status = git(repository, "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "+dirty";
    }

    private static String git(Path repository, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(repository.toAbsolutePath().toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException notInstalled) {
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String unavailable(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return "unavailable (" + message.lines().findFirst().orElse("") + ")";
    }

    /** Writes {@code environment.properties} and {@code executor.json} into {@code resultsDir}, each atomically. */
    public static void write(Path resultsDir, ReportEnvironment environment, ExecutorInfo executor) {
        try {
            Files.createDirectories(resultsDir);
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot create Allure results directory " + resultsDir, failure);
        }
        AtomicFiles.writeString(resultsDir.resolve("environment.properties"),
                environment.toProperties());
        try {
            String json = Json.mapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(executor);
            AtomicFiles.writeString(resultsDir.resolve("executor.json"), json + "\n");
        } catch (JsonProcessingException failure) {
            throw new IllegalStateException("cannot serialise executor info " + executor, failure);
        }
    }
}
