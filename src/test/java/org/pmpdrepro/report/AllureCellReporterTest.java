package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Link;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junitpioneer.jupiter.ClearSystemProperty;
import org.junitpioneer.jupiter.SetSystemProperty;

/** The reporter against a lifecycle of its own, so the test's own Allure result is left alone. */
@Tag("unit")
class AllureCellReporterTest {

    private final InMemoryWriter writer = new InMemoryWriter();
    private final AllureLifecycle lifecycle = new AllureLifecycle(writer);
    private final AllureCellReporter reporter = new AllureCellReporter(lifecycle, "https://repo.example/blob/abc/{}");
    private String uuid;

    @BeforeEach
    void startTestCase() {
        uuid = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName("cell"));
        lifecycle.startTestCase(uuid);
    }

    @Test
    void parametersAndBehaviourLabelsNameTheCell() {
        reporter.parameters(new CellParameters("A2 replace PTQ", "debsum", "GPTQ", "4>3", "static"));
        TestResult result = finish();

        assertThat(result.getParameters()).extracting(Parameter::getName, Parameter::getValue).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ablation", "A2 replace PTQ"),
                org.assertj.core.groups.Tuple.tuple("task", "debsum"),
                org.assertj.core.groups.Tuple.tuple("backbone", "GPTQ"),
                org.assertj.core.groups.Tuple.tuple("pair", "4>3"),
                org.assertj.core.groups.Tuple.tuple("scheduler", "static"));
        assertThat(result.getLabels()).extracting(Label::getName, Label::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("feature", "A2 replace PTQ"),
                        org.assertj.core.groups.Tuple.tuple("story", "debsum"));
    }

    @Test
    void stepsRecordTheirNameStatusAndReturnTheBodysValue() throws Exception {
        int decoded = reporter.step("decode", () -> 42);
        assertThatThrownBy(() -> reporter.step("compare", () -> {
            throw new AssertionError(FailureCategory.OUTPUTS_CHANGED.message("rougeL"));
        })).hasMessageStartingWith("outputs changed:");
        TestResult result = finish();

        assertThat(decoded).isEqualTo(42);
        assertThat(result.getSteps()).extracting(StepResult::getName, StepResult::getStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple("decode", Status.PASSED),
                org.assertj.core.groups.Tuple.tuple("compare", Status.FAILED));
        assertThat(result.getSteps().get(1).getStatusDetails().getMessage()).startsWith("outputs changed:");
    }

    @Test
    void aStepIsOpenExactlyWhileItsWorkRunsAndTakesTheNameItsValueGivesIt() throws Exception {
        long before = System.currentTimeMillis();
        String verdict = reporter.step("compare with golden", () -> {
            Thread.sleep(120);
            return "2 of 8 prompts changed";
        }, v -> "compare with golden: " + v);
        long after = System.currentTimeMillis();
        TestResult result = finish();

        StepResult step = result.getSteps().get(0);
        assertThat(verdict).isEqualTo("2 of 8 prompts changed");
        assertThat(step.getName()).isEqualTo("compare with golden: 2 of 8 prompts changed");
        assertThat(step.getStart()).isBetween(before, after);
        assertThat(step.getStop() - step.getStart()).as("the step's duration in ms").isBetween(115L, after - before);
    }

    @Test
    @ClearSystemProperty(key = "allure.link.golden.pattern") // CI sets it (its repository's file view)
    void goldenRowsAreLinkedByThePatternInAllurePropertiesClimbingToTheRepositoryRoot() {
        assertThat(AllureCellReporter.current().goldenLinkPattern()).isEqualTo("../../../{}");
    }

    @Test
    @SetSystemProperty(key = "allure.link.golden.pattern", value = "https://ci.example/o/r/blob/f00d/{}")
    void aSystemPropertyGivesGoldenLinksAnotherPatternAsCiDoes() {
        assertThat(new GoldenRef("golden/golden-a1.csv", 12).url(AllureCellReporter.current().goldenLinkPattern()))
                .isEqualTo("https://ci.example/o/r/blob/f00d/golden/golden-a1.csv#L12");
    }

    @Test
    void attachmentsInsideAStepBelongToThatStep() throws Exception {
        reporter.step("score", () -> {
            reporter.attachScores(SampleScoreTable.of(List.of("s1"), Map.of("bleu", List.of(1.5))));
            return null;
        });
        TestResult result = finish();

        assertThat(result.getSteps().get(0).getAttachments()).extracting(Attachment::getName)
                .containsExactly("per-sample scores");
    }

    @Test
    void outcomeChartSamplesScoresAndFindingsAreAttachedWithTheirTypesAndGoldenRowsLinked() {
        GoldenRef row = new GoldenRef("golden/ablation2.csv", 7);
        reporter.attachOutcome(List.of(new MetricOutcome("rougeL", 0.3, 0.3, 0.28, 0.32, true, row, "exact"),
                new MetricOutcome("bleu", 3.1, 3.0, 2.5, 3.5, true, row, "exact")));
        reporter.attachSamples(List.of(new SampleText("1", "p", "o", "r")), 5);
        reporter.attachTraces("traces", List.of(new PrecisionTrace("1", List.of(4.0, 3.0))));
        reporter.attachScores(SampleScoreTable.of(List.of("1"), Map.of("rougeL", List.of(0.3))));
        reporter.attachFindings("A2", List.of(new FindingRow("A2", "debsum", "Any-Precision", "GPTQ", "rougeL",
                "headline", 0.01, -0.01, 0.03, 0.02, 0.4, 1.0, "n/a", "")));
        ClaimRow claim = new ClaimRow("claim a2-static-not-worse-than-gptq · debsum · 4>3", "s",
                "any-precision − gptq", "rougeL", "non-inferior", 0.01, -0.01, 0.03, -0.005, "−0.25 × gap 0.02",
                "inconclusive", "inconclusive", "bytes differ by 20%");
        reporter.attachClaim(claim);
        reporter.attachClaims("A2", List.of(claim));
        TestResult result = finish();

        assertThat(result.getAttachments()).extracting(Attachment::getName, Attachment::getType).containsExactly(
                org.assertj.core.groups.Tuple.tuple("metrics vs golden", "text/html"),
                org.assertj.core.groups.Tuple.tuple("samples", "text/html"),
                org.assertj.core.groups.Tuple.tuple("precision traces", "image/svg+xml"),
                org.assertj.core.groups.Tuple.tuple("per-sample scores", "text/csv"),
                org.assertj.core.groups.Tuple.tuple("findings A2", "text/html"),
                org.assertj.core.groups.Tuple.tuple("findings A2 (markdown)", "text/markdown"),
                org.assertj.core.groups.Tuple.tuple("claim interval against threshold", "image/svg+xml"),
                org.assertj.core.groups.Tuple.tuple("claim evidence", "text/html"),
                org.assertj.core.groups.Tuple.tuple("claims A2", "text/html"),
                org.assertj.core.groups.Tuple.tuple("claims A2 (markdown)", "text/markdown"));
        assertThat(result.getParameters()).extracting(p -> p.getName(), p -> p.getValue())
                .contains(org.assertj.core.groups.Tuple.tuple("verdict", "inconclusive"));
        assertThat(result.getLinks()).extracting(Link::getName, Link::getUrl).containsExactly(
                org.assertj.core.groups.Tuple.tuple("golden golden/ablation2.csv:7",
                        "https://repo.example/blob/abc/golden/ablation2.csv#L7"));
        String svgSource = result.getAttachments().get(2).getSource();
        assertThat(writer.attachments.get(svgSource)).startsWith("<?xml").contains("<polyline class=\"series\"");
    }

    private TestResult finish() {
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
        assertThat(writer.results).hasSize(1);
        return writer.results.get(0);
    }

    /** Keeps what the lifecycle writes instead of putting files under allure-results. */
    private static final class InMemoryWriter implements AllureResultsWriter {
        final List<TestResult> results = new ArrayList<>();
        final Map<String, String> attachments = new LinkedHashMap<>();

        @Override
        public void write(TestResult testResult) {
            results.add(testResult);
        }

        @Override
        public void write(TestResultContainer container) {}

        @Override
        public void write(String source, InputStream attachment) {
            try {
                attachments.put(source, new String(attachment.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
