package org.pmpdrepro.report;

import io.qameta.allure.util.PropertiesUtils;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.pmpdrepro.suite.SuiteProperties;
import org.pmpdrepro.suite.SuiteSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Allure's {@code environment.properties} and {@code executor.json} when a test run ends (registered in
 * {@code META-INF/services}). The model, fixtures and device are the suite's own {@link SuiteSettings}, read as the
 * suite reads them ({@link SuiteProperties#overlay}: system properties under the run's JUnit configuration
 * parameters), so the report names the model the run decoded with however it was set.
 */
public final class AllureEnvironmentListener implements TestExecutionListener {

    static final String RESULTS_PROPERTY = "allure.results.directory";

    private static final Logger LOG = LoggerFactory.getLogger(AllureEnvironmentListener.class);

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        // Where Allure's own writer puts the results: the system property, else allure.properties.
        Path results = Path.of(PropertiesUtils.loadAllureProperties().getProperty(RESULTS_PROPERTY,
                "target/allure-results"));
        try {
            Properties settings = SuiteProperties.overlay(System.getProperties(),
                    testPlan.getConfigurationParameters()::get);
            EnvironmentProbe.write(results, environment(settings, System.getenv()),
                    ExecutorInfo.fromEnvironment(System.getenv()));
        } catch (RuntimeException failure) {
            // A missing environment widget must not turn a green run red; the log says why it is missing.
            LOG.warn("cannot write the Allure environment into {}: {}", results, failure.toString());
        }
    }

    /** What the report records of a run configured by {@code properties}. */
    static ReportEnvironment environment(Properties properties, Map<String, String> env) {
        SuiteSettings settings = SuiteSettings.fromProperties(properties);
        return EnvironmentProbe.collect(settings.modelDir(), settings.fixturesDir(), settings.device(), Path.of(""),
                env);
    }
}
