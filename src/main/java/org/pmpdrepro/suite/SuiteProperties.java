package org.pmpdrepro.suite;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The keys of every setting a suite run reads ({@link SuiteSession.Config#read}), and how a JUnit run gathers them:
 * the JVM's system properties with the run's configuration parameters laid over them. Configuration parameters are
 * the launcher's parameters, the system properties and {@code junit-platform.properties}, in that order of
 * precedence, so a setting in any of them reaches the session and the report's environment alike.
 */
public final class SuiteProperties {

    /** Every key {@link SuiteSession.Config#read} reads, {@link SuiteSettings}' and {@link CellSelection}'s included. */
    public static final List<String> KEYS = List.of(GoldenUpdate.PROPERTY, ConfigurationGrid.PROPERTY,
            ConfigurationGrid.DECODES_PROPERTY, "golden.spread.record", "pmpd.grid", "pmpd.golden", "pmpd.claims",
            "pmpd.findings.dir", CellRunners.PROPERTY, "pmpd.ablation", "pmpd.task", "pmpd.backbone", "pmpd.pair",
            "pmpd.scheduler", "pmpd.shard", "pmpd.model.dir", "pmpd.fixtures.dir", "pmpd.device", "pmpd.batch",
            "pmpd.samples", "pmpd.threads");

    private SuiteProperties() {}

    /**
     * {@code system} with the value {@code parameter} gives for each of {@link #KEYS} laid over it.
     *
     * @param parameter a run's configuration parameter by key (JUnit's {@code ExtensionContext} and
     *     {@code TestPlan} both offer one)
     */
    public static Properties overlay(Properties system, Function<String, Optional<String>> parameter) {
        Properties p = new Properties();
        p.putAll(system);
        for (String key : KEYS) {
            parameter.apply(key).ifPresent(v -> p.setProperty(key, v));
        }
        return p;
    }
}
