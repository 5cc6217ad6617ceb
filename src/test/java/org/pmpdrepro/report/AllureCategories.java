package org.pmpdrepro.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The report's categories as the generator reads them: {@code allure-config/categories.json}, which the build puts
 * on the test class path. Tests use it to check that a message they expect lands where they expect.
 */
public final class AllureCategories {

    /** One entry of the file. */
    public record Category(String name, Pattern messageRegex, List<String> statuses) {

        /** Whether the generator files a result of {@code status} with {@code message} under this category. */
        public boolean files(String message, String status) {
            return statuses.contains(status) && messageRegex.matcher(message).matches();
        }
    }

    private AllureCategories() {}

    public static List<Category> load() {
        try (InputStream in = AllureCategories.class.getResourceAsStream("/categories.json")) {
            if (in == null) {
                throw new IllegalStateException("categories.json is not on the test class path (the pom copies it"
                        + " from allure-config/)");
            }
            List<Category> out = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(in)) {
                List<String> statuses = new ArrayList<>();
                node.get("matchedStatuses").forEach(s -> statuses.add(s.asText()));
                out.add(new Category(node.get("name").asText(), Pattern.compile(node.get("messageRegex").asText()),
                        List.copyOf(statuses)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read categories.json from the test class path", e);
        }
    }

    /** The names of the categories that file a result of {@code status} with {@code message}, in file order. */
    public static List<String> filing(String message, String status) {
        return load().stream().filter(c -> c.files(message, status)).map(Category::name).toList();
    }
}
