package org.pmpdrepro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Every test class carries exactly one of the suite's tags, so a tag expression selects every test it should (jqwik
 * properties carry jqwik's tag of the same value, the one its engine reads).
 */
@Tag("unit")
class TestTagsTest {

    static final Set<String> TAGS = Set.of("unit", "slow", "container", "gpu");

    @Test
    void everyTestClassHasExactlyOneOfTheSuitesTags() throws IOException, URISyntaxException {
        Path root = Path.of(TestTagsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.')
                        .replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, TestTagsTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                if (type.isMemberClass() || type.isAnonymousClass() || type.isLocalClass()
                        || Modifier.isAbstract(type.getModifiers()) || !hasTests(type)) {
                    continue;
                }
                checked.add(name);
                List<String> tags = AnnotationSupport.findRepeatableAnnotations(type, Tag.class).stream()
                        .map(Tag::value).filter(TAGS::contains).toList();
                if (tags.size() != 1) {
                    wrong.add(name + " " + tags);
                } else if (hasJqwikProperties(type) && AnnotationSupport.findRepeatableAnnotations(type,
                        net.jqwik.api.Tag.class).stream().noneMatch(t -> t.value().equals(tags.get(0)))) {
                    // The jqwik engine reads only its own tag; without it a tag selection drops the properties.
                    wrong.add(name + " (jqwik properties without @net.jqwik.api.Tag(\"" + tags.get(0) + "\"))");
                }
            }
        }
        assertThat(checked).as("test classes found under " + root).hasSizeGreaterThan(100).contains(getClass().getName());
        assertThat(wrong).as("classes without exactly one of " + TAGS).isEmpty();
    }

    private static boolean hasJqwikProperties(Class<?> type) {
        for (Method m : type.getDeclaredMethods()) {
            if (AnnotationSupport.isAnnotated(m, net.jqwik.api.Property.class)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code type} or a superclass declares a method JUnit runs (any annotation meta-annotated Testable). */
    private static boolean hasTests(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (AnnotationSupport.isAnnotated(m, Testable.class)) {
                    return true;
                }
            }
        }
        return false;
    }
}
