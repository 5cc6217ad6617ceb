package org.pmpdrepro.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * A Jazzer fuzz test of an input reader, checked against {@link ReaderContract}. Without {@code JAZZER_FUZZ} it runs
 * on the empty input and the files under {@code <TestClass>Inputs/<method>/} beside the test class (the seed corpus
 * and every crashing input found); with {@code JAZZER_FUZZ=1} it fuzzes for five minutes (docs/fuzz-tests.md).
 * Every input, seed or generated, must be handled within ten seconds: parsing a few kilobytes takes milliseconds, so
 * anything slower is a hang or a super-linear reader, and Jazzer reports it as a finding.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@FuzzTest(maxDuration = "5m")
public @interface ReaderFuzzTest {}
