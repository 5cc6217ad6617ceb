package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pmpdrepro.report.AllureCategories.Category;

/** categories.json (from allure-config/, on the test class path) against the prefixes the suite writes. */
@Tag("unit")
class FailureCategoryTest {

    @ParameterizedTest
    @EnumSource(FailureCategory.class)
    void categoriesJsonFilesEachPrefixedMessageUnderItsOwnCategoryOnly(FailureCategory category) {
        List<String> messages = List.of(
                category.message("rougeL 0.21 outside [0.25, 0.27], golden/ablation1.csv:12"),
                "  " + category.message("leading blanks"),
                "[debsum · GPTQ · 4>3 · static] " + category.message("with an AssertJ description"),
                "Multiple Failures (2 failures)\n\torg.opentest4j.AssertionFailedError: "
                        + category.message("inside a grouped failure\nsecond line"));
        for (String message : messages) {
            List<String> matching = categories().stream()
                    .filter(c -> c.messageRegex().matcher(message).matches())
                    .map(Category::name)
                    .toList();
            assertThat(matching).as(message).containsExactly(category.displayName());
        }
    }

    @Test
    void categoriesJsonHasOneCategoryPerFailureCategoryCoveringFailedAndBroken() {
        assertThat(categories()).extracting(Category::name).containsExactlyInAnyOrder(
                Arrays.stream(FailureCategory.values()).map(FailureCategory::displayName).toArray(String[]::new));
        assertThat(categories()).allSatisfy(c -> assertThat(c.statuses()).contains("failed", "broken"));
    }

    /**
     * A test skipped because the machine lacks something (a container test without a Docker engine) is filed as
     * an infrastructure error, and a claim this run could not decide as a claim not run, so the report shows why
     * they did not run; no other category takes skipped tests.
     */
    @Test
    void aSkipForMissingInfrastructureOrAnUndecidableClaimIsFiledAndNoOtherSkipIs() {
        String infrastructure = FailureCategory.INFRASTRUCTURE.message("no Docker engine answers");
        assertThat(AllureCategories.filing(infrastructure, "skipped"))
                .containsExactly(FailureCategory.INFRASTRUCTURE.displayName());
        assertThat(AllureCategories.filing(FailureCategory.CLAIM_NOT_RUN.message("arm not in the grid"), "skipped"))
                .containsExactly(FailureCategory.CLAIM_NOT_RUN.displayName());
        for (FailureCategory c : FailureCategory.values()) {
            if (c != FailureCategory.INFRASTRUCTURE && c != FailureCategory.CLAIM_NOT_RUN) {
                assertThat(AllureCategories.filing(c.message("x"), "skipped")).as(c.name()).isEmpty();
            }
        }
        assertThat(AllureCategories.filing("Assumption failed: assumption is not true", "skipped")).isEmpty();
    }

    @Test
    void aMessageWithoutAPrefixFallsInNoCategory() {
        String message = "expected: <1> but was: <2>";
        assertThat(categories()).noneMatch(c -> c.messageRegex().matcher(message).matches());
        assertThat(FailureCategory.of(message)).isEmpty();
    }

    @Test
    void ofReadsTheCategoryBackFromAMessage() {
        for (FailureCategory c : FailureCategory.values()) {
            assertThat(FailureCategory.of(c.message("x"))).contains(c);
        }
        assertThat(FailureCategory.OUTPUTS_CHANGED.message("3 of 512 prompts differ"))
                .isEqualTo("outputs changed: 3 of 512 prompts differ");
    }

    private static List<Category> categories() {
        return AllureCategories.load();
    }
}
