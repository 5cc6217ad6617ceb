package org.pmpdrepro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packages of the main code form no import cycle, and the layers named in the README hold. The graph is the
 * JDK's own {@code jdeps} over the compiled main classes (the same as {@code jdeps -verbose:package -filter:none -e
 * 'org\.pmpdrepro\..*' target/classes}), so it counts every reference the byte code makes, not only import lines.
 */
@Tag("unit")
class PackageDependenciesTest {

    private static final String PREFIX = "org.pmpdrepro.";
    private static final Pattern EDGE = Pattern.compile("^\\s*(org\\.pmpdrepro\\.[\\w.]+)\\s+->\\s+(org\\.pmpdrepro\\.[\\w.]+)\\s");

    static SortedMap<String, SortedSet<String>> uses;

    @BeforeAll
    static void readGraph() throws URISyntaxException {
        Path classes = Path.of(org.pmpdrepro.cli.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
                "this JDK has no jdeps tool; the package graph is read with it"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none", "-e",
                "org\\.pmpdrepro\\..*", classes.toString());
        assertThat(rc).as("jdeps exit code; stderr: " + err).isZero();
        uses = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                uses.computeIfAbsent(short_(m.group(1)), k -> new TreeSet<>()).add(short_(m.group(2)));
            }
        }
        assertThat(uses).as("package graph read from jdeps").containsKeys("cli", "suite", "quant", "decode");
    }

    private static String short_(String pkg) {
        return pkg.substring(PREFIX.length());
    }

    @Test
    void noTwoPackagesDependOnEachOtherThroughAnyPath() {
        assertThat(cycles()).as("package cycles (strongly connected components of the package graph)").isEmpty();
    }

    @Test
    void decodingAndTheModelNeverReachTheQuantizers() {
        for (String lower : List.of("model", "decode", "decode.cpu", "decode.cpu.kernel", "tokenizer", "io")) {
            assertThat(reachable(lower)).as(lower + " reaches").noneMatch(p -> p.startsWith("quant")
                    || p.startsWith("eval") || p.startsWith("suite") || p.startsWith("pmpd") || p.startsWith("cli"));
        }
    }

    @Test
    void theQuantizationStoreAndTheMethodsNeverReachTheRegistryOfBackbones() {
        for (String p : List.of("quant", "quant.store", "quant.rtn", "quant.gptq", "quant.anyprec", "quant.haq",
                "quant.bitmixer")) {
            assertThat(reachable(p)).as(p + " reaches").doesNotContain("quant.methods", "eval", "suite", "pmpd");
        }
    }

    private static Set<String> reachable(String from) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            for (String next : uses.getOrDefault(todo.pop(), new TreeSet<>())) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }

    /** Tarjan's strongly connected components with more than one package. */
    private static List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : uses.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, new TreeSet<>())) {
            if (!index.containsKey(w)) {
                connect(w, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
