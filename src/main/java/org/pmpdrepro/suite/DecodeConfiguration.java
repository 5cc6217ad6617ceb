package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a decode's numbers depend on besides the cell, model and fixtures: the configuration a golden was made on.
 * On the same configuration the suite's decodes are bit-identical, so a golden is held to identical outputs there;
 * on any other, floating-point sums may be ordered differently and a greedy decode may flip a token, so a golden is
 * compared statistically ({@link GoldenCheck}).
 *
 * @param runner what ran the decoder ({@code in-process}, {@code container}, {@code run-job})
 * @param device where the model ran, as DJL names it ({@code cpu()}, {@code gpu(0)})
 * @param backend the decoding back-end and engine version ({@code djl-pytorch 2.7.1})
 * @param cpu the CPU's vendor and kernel-selecting vector features ({@link CpuFeatures})
 * @param intraOpThreads PyTorch intra-op threads the decode ran with
 * @param batchSize prompts decoded together
 */
public record DecodeConfiguration(String runner, String device, String backend, String cpu, int intraOpThreads,
        int batchSize) {

    private static final List<String> KEYS = List.of("runner", "device", "backend", "cpu", "threads", "batch");

    public DecodeConfiguration {
        requireField("runner", runner);
        requireField("device", device);
        requireField("backend", backend);
        requireField("cpu", cpu);
        if (intraOpThreads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("decode configuration: threads " + intraOpThreads + ", batch "
                    + batchSize + "; expected positive counts");
        }
    }

    private static void requireField(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.contains(";") || value.contains("=")) {
            throw new IllegalArgumentException("decode configuration " + name + " '" + value
                    + "': expected a non-empty value without ';' or '='");
        }
    }

    /** The CPU description of this machine ({@link CpuFeatures}). */
    public static String thisCpu() {
        return CpuFeatures.current();
    }

    /** This configuration with another thread count and batch size: a variant of the configuration grid. */
    public DecodeConfiguration with(int threads, int batch) {
        return new DecodeConfiguration(runner, device, backend, cpu, threads, batch);
    }

    /** This configuration run by another runner. */
    public DecodeConfiguration withRunner(String otherRunner, String otherBackend) {
        return new DecodeConfiguration(otherRunner, device, otherBackend, cpu, intraOpThreads, batchSize);
    }

    /**
     * The canonical text, as golden files record it:
     * {@code runner=in-process; device=cpu(); backend=djl-pytorch 2.7.1; cpu=AuthenticAMD avx,avx2; threads=1; batch=32}.
     */
    public String key() {
        return String.join("; ", fields().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("runner", runner);
        m.put("device", device);
        m.put("backend", backend);
        m.put("cpu", cpu);
        m.put("threads", Integer.toString(intraOpThreads));
        m.put("batch", Integer.toString(batchSize));
        return m;
    }

    /**
     * Reads {@link #key()}'s form.
     *
     * @throws IllegalArgumentException naming the part that is missing or malformed and the expected form
     */
    public static DecodeConfiguration parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("decode configuration '" + text + "': part '" + part.strip()
                        + "' is not key=value; expected " + String.join("=...; ", KEYS) + "=...");
            }
            m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        if (!m.keySet().equals(new java.util.LinkedHashSet<>(KEYS))) {
            throw new IllegalArgumentException("decode configuration '" + text + "': keys " + m.keySet()
                    + "; expected exactly " + KEYS);
        }
        try {
            return new DecodeConfiguration(m.get("runner"), m.get("device"), m.get("backend"), m.get("cpu"),
                    Integer.parseInt(m.get("threads")), Integer.parseInt(m.get("batch")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("decode configuration '" + text + "': threads and batch must be"
                    + " integers", e);
        }
    }

    /** What differs from {@code other}, one {@code key: this -> other} per part ({@code threads: 1 -> 2}). */
    public List<String> differencesTo(DecodeConfiguration other) {
        List<String> out = new ArrayList<>();
        Map<String, String> mine = fields();
        Map<String, String> theirs = other.fields();
        mine.forEach((k, v) -> {
            if (!v.equals(theirs.get(k))) {
                out.add(k + ": " + v + " -> " + theirs.get(k));
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return key();
    }
}
