package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The CPU properties a CPU decode's numbers can depend on: the vendor and the vector instruction sets that
 * PyTorch's kernels dispatch on (its own AVX2 / AVX-512 paths, oneDNN's and MKL's VNNI, BF16 and AMX paths). Two
 * CPUs with equal descriptions run the same kernels; the model name is not part of it.
 */
final class CpuFeatures {

    /** The flags of {@code /proc/cpuinfo} that select a kernel, in a fixed order. */
    static final List<String> DISPATCH_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8");

    /** PyTorch's override of its own dispatch ({@code DEFAULT}, {@code AVX2}, {@code AVX512}). */
    static final String ATEN_OVERRIDE = "ATEN_CPU_CAPABILITY";

    private CpuFeatures() {}

    /** This machine's description ({@code AuthenticAMD avx,avx2,...}), or {@code unknown (arch)} off Linux. */
    static String current() {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "unknown (" + System.getProperty("os.arch") + ", no /proc/cpuinfo)";
        }
        return describe(cpuinfo, System.getenv());
    }

    /** The description of a {@code /proc/cpuinfo} text under the environment {@code env}. */
    static String describe(String cpuinfo, Map<String, String> env) {
        String vendor = "unknown-vendor";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("vendor_id") && vendor.equals("unknown-vendor")) {
                vendor = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Set.of(value.toLowerCase(Locale.ROOT).split("\\s+"));
            }
        }
        List<String> present = new ArrayList<>();
        for (String f : DISPATCH_FLAGS) {
            if (flags.contains(f)) {
                present.add(f);
            }
        }
        String override = env.get(ATEN_OVERRIDE);
        String aten = override == null || override.isBlank() ? "" : " aten:" + override.strip();
        return vendor + " " + (present.isEmpty() ? "no-vector-flags" : String.join(",", present)) + aten;
    }
}
