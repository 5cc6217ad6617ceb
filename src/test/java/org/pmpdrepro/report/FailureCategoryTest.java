package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** categories.json (from allure-config/, on the test class path) against the prefixes the suite writes. */
class FailureCategoryTest {

    private record Category(String name, Pattern messageRegex, List<String> statuses) {}

    @ParameterizedTest
    @EnumSource(FailureCategory.class)
    void categoriesJsonFilesEachPrefixedMessageUnderItsOwnCategoryOnly(FailureCategory category) throws Exception {
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
    void categoriesJsonHasOneCategoryPerFailureCategoryCoveringFailedAndBroken() throws Exception {
        assertThat(categories()).extracting(Category::name).containsExactlyInAnyOrder(
                java.util.Arrays.stream(FailureCategory.values()).map(FailureCategory::displayName).toArray(String[]::new));
        assertThat(categories()).allSatisfy(c -> assertThat(c.statuses()).containsExactlyInAnyOrder("failed", "broken"));
    }

    @Test
    void aMessageWithoutAPrefixFallsInNoCategory() throws Exception {
        String message = "expected: <1> but was: <2>";
        assertThat(categories()).noneMatch(c -> c.messageRegex().matcher(message).matches());
        assertThat(FailureCategory.of(message)).isEmpty();
    }

    @Test
    void ofReadsTheCategoryBackFromAMessage() {
        for (FailureCategory c : FailureCategory.values()) {
            assertThat(FailureCategory.of(c.message("x"))).contains(c);
        }
        assertThat(FailureCategory.METRIC_OUT_OF_BAND.message("bleu 3 outside [4, 5]"))
                .isEqualTo("metric out of band: bleu 3 outside [4, 5]");
    }

    private static List<Category> categories() throws Exception {
        try (InputStream in = FailureCategoryTest.class.getResourceAsStream("/categories.json")) {
            assertThat(in).as("categories.json on the test class path").isNotNull();
            List<Category> out = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(in)) {
                List<String> statuses = new ArrayList<>();
                node.get("matchedStatuses").forEach(s -> statuses.add(s.asText()));
                out.add(new Category(node.get("name").asText(), Pattern.compile(node.get("messageRegex").asText()),
                        statuses));
            }
            return out;
        }
    }
}
