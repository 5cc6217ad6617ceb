package org.pmpdrepro.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a benchmark result depends on besides the code: the JVM, the CPU and its vector extensions. */
public final class MachineInfo {

    /** The CPU flags that decide which kernels the engines pick. */
    private static final List<String> VECTOR_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f",
            "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni", "avx_vnni", "amx_tile");

    private MachineInfo() {}

    /** Label to value, in reading order. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("CPUs available to the JVM", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Map<String, String> cpu = cpuInfo();
        m.put("CPU", cpu.getOrDefault("model name", "unknown"));
        String flags = cpu.getOrDefault("flags", "");
        List<String> have = Arrays.asList(flags.split("\\s+"));
        m.put("CPU vector flags", VECTOR_FLAGS.stream().filter(have::contains).collect(Collectors.joining(" ")));
        return m;
    }

    /** The first processor's fields of {@code /proc/cpuinfo} (empty where there is none). */
    private static Map<String, String> cpuInfo() {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
        } catch (IOException e) {
            fields.put("model name", "unknown (" + e.getMessage() + ")");
        }
        return fields;
    }
}
