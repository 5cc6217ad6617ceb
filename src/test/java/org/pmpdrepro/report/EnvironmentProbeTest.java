package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;

@Tag("unit")
class EnvironmentProbeTest {

    @Test
    void environmentFileNamesJdkEngineDeviceModelFixturesAndCommit(@TempDir Path results) throws Exception {
        ReportEnvironment env = EnvironmentProbe.collect(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR,
                DeviceChoice.CPU, Path.of(""), Map.of());
        EnvironmentProbe.write(results, env, ExecutorInfo.fromEnvironment(Map.of()));

        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(results.resolve("environment.properties"))) {
            p.load(in);
        }
        assertThat(p.getProperty("java.runtime")).startsWith(System.getProperty("java.runtime.version"));
        assertThat(p.getProperty("djl.version")).isEqualTo(ai.djl.engine.Engine.getDjlVersion());
        assertThat(p.getProperty("djl.engine")).startsWith("PyTorch ");
        assertThat(p.getProperty("device")).isEqualTo("cpu -> cpu()");
        assertThat(p.getProperty("model.dir")).isEqualTo(ModelBundle.DEFAULT_DIR.toString());
        assertThat(p.getProperty("model.sha256")).matches("[0-9a-f]{64}");
        assertThat(p.getProperty("fixtures.manifest.sha256")).matches("[0-9a-f]{64}");
        assertThat(p.stringPropertyNames()).anyMatch(k -> k.startsWith("fixtures.debsum") && k.endsWith(".sha256"));
        assertThat(p.getProperty("commit")).matches("[0-9a-f]{40}(\\+dirty)?|unknown");
    }

    @Test
    void modelHashIsTheOneTheModelBundleReports() throws Exception {
        try (ModelBundle bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU)) {
            assertThat(EnvironmentProbe.modelIdentity(ModelBundle.DEFAULT_DIR)).isEqualTo(bundle.identity());
        }
    }

    @Test
    void aMissingModelOrFixtureDirectoryIsRecordedAsUnavailableNotThrown(@TempDir Path empty) {
        ReportEnvironment env = EnvironmentProbe.collect(empty.resolve("model"), empty.resolve("tasks"),
                DeviceChoice.CPU, empty, Map.of());
        assertThat(env.entries().get("model.sha256")).startsWith("unavailable (");
        assertThat(env.entries().get("fixtures.manifest.sha256")).startsWith("unavailable (");
        assertThat(env.entries().get("commit")).isEqualTo("unknown");
    }

    /** The report once read pmpd.model while the suite reads pmpd.model.dir, so it named the fixture model. */
    @Test
    void theReportNamesTheModelAndFixturesTheSuiteIsConfiguredWith(@TempDir Path other) {
        Properties p = new Properties();
        p.setProperty("pmpd.model.dir", other.resolve("model").toString());
        p.setProperty("pmpd.fixtures.dir", other.resolve("tasks").toString());
        p.setProperty("pmpd.device", "cpu");
        ReportEnvironment env = AllureEnvironmentListener.environment(p, Map.of());
        assertThat(env.entries().get("model.dir")).isEqualTo(other.resolve("model").toString());
        assertThat(env.entries().get("model.sha256")).startsWith("unavailable (");
        assertThat(env.entries().get("fixtures.manifest.sha256")).startsWith("unavailable (");
        ReportEnvironment defaults = AllureEnvironmentListener.environment(new Properties(), Map.of());
        assertThat(defaults.entries().get("model.dir")).isEqualTo(ModelBundle.DEFAULT_DIR.toString());
        assertThat(defaults.entries().get("model.sha256")).matches("[0-9a-f]{64}");
    }

    /**
     * A setting given as a JUnit configuration parameter (the launcher's, or {@code junit-platform.properties})
     * reaches the report's environment as it reaches the suite, not only one given as a system property.
     */
    @Test
    void aModelGivenAsAJUnitConfigurationParameterIsTheOneTheReportNames(@TempDir Path other) throws Exception {
        Path results = other.resolve("allure-results");
        Path model = other.resolve("model");
        Launcher launcher = LauncherFactory.create(
                LauncherConfig.builder()
                        .enableTestExecutionListenerAutoRegistration(false)
                        .addTestExecutionListeners(new AllureEnvironmentListener()).build());
        // The results directory is Allure's setting (a system property), not the suite's: set for this run only.
        String before = System.getProperty(AllureEnvironmentListener.RESULTS_PROPERTY);
        System.setProperty(AllureEnvironmentListener.RESULTS_PROPERTY, results.toString());
        try {
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(NoTests.class))
                    .configurationParameter("pmpd.model.dir", model.toString()).build());
        } finally {
            if (before == null) {
                System.clearProperty(AllureEnvironmentListener.RESULTS_PROPERTY);
            } else {
                System.setProperty(AllureEnvironmentListener.RESULTS_PROPERTY, before);
            }
        }
        Properties written = new Properties();
        try (Reader in = Files.newBufferedReader(results.resolve("environment.properties"))) {
            written.load(in);
        }
        assertThat(written.getProperty("model.dir")).isEqualTo(model.toString());
        assertThat(written.getProperty("model.sha256")).startsWith("unavailable (");
    }

    /** A class the launcher above discovers without finding a test in it: an empty run still ends. */
    static final class NoTests {}

    @Test
    void commitComesFromGithubShaWhenCiSetsIt(@TempDir Path notARepository) {
        assertThat(EnvironmentProbe.commit(notARepository, Map.of("GITHUB_SHA", "abc123"))).isEqualTo("abc123");
    }

    @Test
    void propertiesSyntaxRoundTripsSeparatorsBlanksAndNonAscii() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("key with=sep:colon", " leading blank, a=b: c # d ! e \\ f");
        entries.put("model", "Llama · fixture ∑ \t\n");
        String text = new ReportEnvironment(entries).toProperties();

        Properties p = new Properties();
        p.load(new StringReader(text));
        assertThat(p).containsExactlyInAnyOrderEntriesOf(entries);
        assertThat(text).isEqualTo(new ReportEnvironment(entries).toProperties()).doesNotContain("·");
    }

    @Test
    void executorIsAGithubRunWithLinksWhenActionsSetsItsVariables(@TempDir Path results) throws Exception {
        Map<String, String> env = Map.of("GITHUB_ACTIONS", "true", "GITHUB_SERVER_URL", "https://github.example",
                "GITHUB_REPOSITORY", "org/pmpd-repro", "GITHUB_RUN_ID", "991", "GITHUB_RUN_NUMBER", "17",
                "GITHUB_WORKFLOW", "reproduce", "PMPD_REPORT_URL", "https://org.github.example/pmpd-repro/");
        EnvironmentProbe.write(results, new ReportEnvironment(Map.of("k", "v")), ExecutorInfo.fromEnvironment(env));

        JsonNode json = new ObjectMapper().readTree(results.resolve("executor.json").toFile());
        assertThat(json.get("type").asText()).isEqualTo("github");
        assertThat(json.get("buildOrder").asLong()).isEqualTo(17);
        assertThat(json.get("buildName").asText()).isEqualTo("reproduce #17");
        assertThat(json.get("buildUrl").asText()).isEqualTo("https://github.example/org/pmpd-repro/actions/runs/991");
        assertThat(json.get("reportUrl").asText()).isEqualTo("https://org.github.example/pmpd-repro/");
    }

    @Test
    void executorIsLocalOutsideCi() {
        ExecutorInfo local = ExecutorInfo.fromEnvironment(Map.of());
        assertThat(local.type()).isEqualTo("local");
        assertThat(local.buildUrl()).isNull();
    }
}
