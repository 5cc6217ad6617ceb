package org.pmpdrepro.report;

import java.nio.file.Path;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Allure's {@code environment.properties} and {@code executor.json} when a test run ends (registered in
 * {@code META-INF/services}). Where the suite's model, fixtures and device come from is read from the same
 * system properties the suite reads, with the committed fixture model as default.
 */
public final class AllureEnvironmentListener implements TestExecutionListener {

    /** The model directory the suite decodes with. */
    public static final String MODEL_PROPERTY = "pmpd.model";
    /** The device the suite runs on: auto, cpu or gpu. */
    public static final String DEVICE_PROPERTY = "pmpd.device";
    static final String RESULTS_PROPERTY = "allure.results.directory";

    private static final Logger LOG = LoggerFactory.getLogger(AllureEnvironmentListener.class);

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Path results = Path.of(System.getProperty(RESULTS_PROPERTY, "target/allure-results"));
        try {
            RunEnvironment environment = EnvironmentProbe.collect(
                    Path.of(System.getProperty(MODEL_PROPERTY, ModelBundle.DEFAULT_DIR.toString())),
                    TaskFixtures.DEFAULT_DIR,
                    DeviceChoice.parse(System.getProperty(DEVICE_PROPERTY, "auto")),
                    Path.of(""),
                    System.getenv());
            EnvironmentProbe.write(results, environment, ExecutorInfo.fromEnvironment(System.getenv()));
        } catch (RuntimeException failure) {
            // A missing environment widget must not turn a green run red; the log says why it is missing.
            LOG.warn("cannot write the Allure environment into {}: {}", results, failure.toString());
        }
    }
}
