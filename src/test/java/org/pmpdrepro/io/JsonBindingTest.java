package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Records bound strictly: every refusal names the JSON path, and a written record reads back equal. */
@Tag("unit")
class JsonBindingTest {

    record Weights(String file, String sha256, long bytes) {}

    record Manifest(String format, @JsonProperty("model_sha256") String modelSha256, Weights weights,
            Map<String, List<Integer>> shapes, double loss) {}

    record Options(String name, boolean flag, @JsonBinding.MayBeAbsent Integer limit,
            @JsonBinding.MayBeNull Double seconds) {}

    static final String OPTIONAL = """
            {"name": "x", "flag": true, "seconds": 1.5}""";

    static final String GOOD = """
            {"format": "v1", "model_sha256": "ab", "weights": {"file": "w", "sha256": "cd", "bytes": 12},
             "shapes": {"a": [2, 3]}, "loss": 1}""";

    @Test
    void aDocumentOfTheRecordsShapeBindsAndWritesBackEqual() throws Exception {
        Manifest m = JsonBinding.parse(GOOD, Manifest.class);
        assertThat(m).isEqualTo(new Manifest("v1", "ab", new Weights("w", "cd", 12), Map.of("a", List.of(2, 3)),
                1.0));
        String written = JsonBinding.write(m);
        assertThat(written).startsWith("{\n  \"format\" : \"v1\",\n  \"model_sha256\" : \"ab\",").endsWith("}\n");
        assertThat(JsonBinding.parse(written, Manifest.class)).isEqualTo(m);
    }

    static List<Arguments> misfits() {
        return List.of(
                Arguments.of("unknown property", GOOD.replace("\"loss\": 1", "\"loss\": 1, \"extra\": 1"), "extra",
                        "unknown field; expected one of [format, loss, model_sha256, shapes, weights]"),
                Arguments.of("string for a number", GOOD.replace("\"bytes\": 12", "\"bytes\": \"12\""),
                        "weights.bytes", "\"12\": expected an integer"),
                Arguments.of("fraction for an integer", GOOD.replace("\"bytes\": 12", "\"bytes\": 1.5"),
                        "weights.bytes", "1.5: expected an integer"),
                Arguments.of("number for a string", GOOD.replace("\"format\": \"v1\"", "\"format\": 1"), "format",
                        "1: expected a string"),
                Arguments.of("null for a string", GOOD.replace("\"format\": \"v1\"", "\"format\": null"),
                        "format", "null"),
                Arguments.of("null for a number", GOOD.replace("\"loss\": 1", "\"loss\": null"), "loss",
                        "null; expected a number"),
                Arguments.of("null in an array", GOOD.replace("[2, 3]", "[2, null]"), "shapes.a[1]", "null"),
                Arguments.of("string for a boolean", OPTIONAL.replace("true", "\"yes\""), "flag",
                        "\"yes\": expected true or false"),
                Arguments.of("null for a required field beside optional ones", OPTIONAL.replace("\"x\"", "null"),
                        "name", "null; expected a string"),
                Arguments.of("an integer out of range", OPTIONAL.replace("}", ", \"limit\": 3000000000}"), "limit",
                        "3000000000: out of range; expected an integer that fits in an int"),
                Arguments.of("a long out of range", GOOD.replace("\"bytes\": 12", "\"bytes\": 99999999999999999999"),
                        "weights.bytes", "out of range; expected an integer"),
                Arguments.of("a null document", "null", "$", "null; expected an object"),
                Arguments.of("wrong array element", GOOD.replace("[2, 3]", "[2, \"x\"]"), "shapes.a[1]",
                        "\"x\": expected an integer"),
                Arguments.of("array for an object", GOOD.replace("\"shapes\": {\"a\": [2, 3]}", "\"shapes\": []"),
                        "shapes", "expected an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misfits")
    void aValueThatDoesNotFitIsRefusedWithItsPath(String what, String json, String path, String problem) {
        assertThat(json).as("the case changes the document").isNotEqualTo(GOOD);
        Class<?> type = json.contains("\"flag\"") ? Options.class : Manifest.class;
        assertThatThrownBy(() -> JsonBinding.parse(json, type)).as(json)
                .isInstanceOfSatisfying(JsonBinding.Refused.class, r -> {
                    assertThat(r.path()).isEqualTo(path);
                    assertThat(r.problem()).contains(problem);
                });
    }

    @Test
    void missingPropertiesRepeatedKeysTrailingTextAndBadJsonAreRefused() {
        assertThatThrownBy(() -> JsonBinding.parse(GOOD.replace("\"loss\": 1", "\"loss\": 1, \"loss\": 2"),
                Manifest.class)).isInstanceOfSatisfying(JsonBinding.Refused.class,
                        r -> assertThat(r.getMessage()).contains("loss").contains("Duplicate"));
        assertThatThrownBy(() -> JsonBinding.parse(GOOD.replace(", \"loss\": 1", ""), Manifest.class))
                .isInstanceOfSatisfying(JsonBinding.Refused.class, r -> {
                    assertThat(r.path()).isEqualTo("loss");
                    assertThat(r.problem()).isEqualTo("missing; expected a number");
                });
        assertThatThrownBy(() -> JsonBinding.parse(GOOD + " {}", Manifest.class))
                .isInstanceOf(JsonBinding.Refused.class).hasMessage("$: more after the document (only one JSON value is allowed)");
        assertThatThrownBy(() -> JsonBinding.parse("{\"format\": ", Manifest.class))
                .isInstanceOfSatisfying(JsonBinding.Refused.class, r -> {
                    assertThat(r.path()).isEqualTo("$");
                    assertThat(r.problem()).startsWith("not valid JSON");
                });
    }

    @Test
    void aFieldThatMayBeAbsentBindsNullAndOneThatMayBeNullMustStillBePresent() throws Exception {
        assertThat(JsonBinding.parse(OPTIONAL, Options.class)).isEqualTo(new Options("x", true, null, 1.5));
        assertThat(JsonBinding.parse(OPTIONAL.replace("}", ", \"limit\": 8}"), Options.class).limit()).isEqualTo(8);
        assertThat(JsonBinding.parse(OPTIONAL.replace("}", ", \"limit\": null}"), Options.class).limit()).isNull();
        assertThat(JsonBinding.parse(OPTIONAL.replace("1.5", "null"), Options.class).seconds()).isNull();
        assertThatThrownBy(() -> JsonBinding.parse(OPTIONAL.replace(", \"seconds\": 1.5", ""), Options.class))
                .isInstanceOfSatisfying(JsonBinding.Refused.class, r -> {
                    assertThat(r.path()).isEqualTo("seconds");
                    assertThat(r.problem()).isEqualTo("missing; expected a number");
                });
        assertThatThrownBy(() -> JsonBinding.parse(OPTIONAL.replace("1.5", "\"1.5\""), Options.class))
                .isInstanceOfSatisfying(JsonBinding.Refused.class, r -> assertThat(r.path()).isEqualTo("seconds"));
    }
}
