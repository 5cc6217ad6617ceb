package org.pmpdrepro.quant.haq;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/**
 * The searched policies as committed ({@code policies.json}): how they were searched, on which model and
 * calibration data (hashes), by which command, and per policy its byte budget (Any-Precision's bytes at its nominal
 * width), the bytes it reads, average bits, reward, calibration perplexity and the width of every matrix by tensor
 * name.
 *
 * @param scheme how each matrix is quantized at its width
 * @param minBits lowest width of the search
 * @param maxBits highest width of the search
 * @param episodes episodes per search
 * @param seed the search seed
 * @param modelSha256 the model directory's identity hash
 * @param calibration the calibration subset's description: file, its hash, counts, token hash
 * @param fullPrecisionPerplexity the unquantized model's calibration perplexity
 * @param command the command that regenerates the file
 * @param policies one entry per budget
 */
public record HaqPolicyFile(QuantScheme scheme, int minBits, int maxBits, int episodes, long seed, String modelSha256,
        Map<String, String> calibration, double fullPrecisionPerplexity, String command, List<Entry> policies) {

    /** File name inside the output directory. */
    public static final String FILE_NAME = "policies.json";

    /**
     * One searched policy.
     *
     * @param nominalBits the width whose Any-Precision bytes were its budget
     * @param budgetBytes that budget: the most weight bytes per decode step it may read (codes and tables)
     * @param bytesPerToken the weight bytes per decode step it reads (codes and tables)
     * @param averageBits its parameter-weighted average width (tables not counted)
     * @param reward its search reward
     * @param calibrationPerplexity its calibration perplexity
     * @param bestEpisode the episode that found it
     * @param log the file name of its search log, beside this file
     * @param policy the widths
     */
    public record Entry(int nominalBits, long budgetBytes, long bytesPerToken, double averageBits, double reward,
            double calibrationPerplexity, int bestEpisode, String log, BitPolicy policy) {
        public Entry {
            Objects.requireNonNull(policy, "policy");
            if (bytesPerToken > budgetBytes) {
                throw new IllegalArgumentException("policy '" + policy.name() + "' reads " + bytesPerToken
                        + " bytes per token, over its budget of " + budgetBytes);
            }
        }
    }

    public HaqPolicyFile {
        calibration = Map.copyOf(calibration);
        policies = List.copyOf(policies);
    }

    /** The policies by name. */
    public Map<String, BitPolicy> bitPolicies() {
        Map<String, BitPolicy> out = new LinkedHashMap<>();
        policies.forEach(e -> out.put(e.policy().name(), e.policy()));
        return out;
    }

    /** The file's form, bound strictly ({@link JsonBinding}). */
    @JsonPropertyOrder({"method", "scheme", "minBits", "maxBits", "episodes", "seed", "modelSha256", "calibration",
        "fullPrecisionPerplexity", "command", "policies"})
    record File(String method, String scheme, int minBits, int maxBits, int episodes, long seed, String modelSha256,
            SortedMap<String, String> calibration, double fullPrecisionPerplexity, String command,
            List<Policy> policies) {}

    /** One policy of the file; {@code bits} by tensor name. */
    @JsonPropertyOrder({"name", "nominalBits", "budgetBytes", "bytesPerToken", "averageBits", "reward",
        "calibrationPerplexity", "bestEpisode", "log", "bits"})
    record Policy(String name, int nominalBits, long budgetBytes, long bytesPerToken, double averageBits,
            double reward, double calibrationPerplexity, int bestEpisode, String log,
            LinkedHashMap<String, Integer> bits) {}

    /** Writes the file atomically. */
    public void write(Path file) throws IOException {
        List<Policy> list = new ArrayList<>();
        for (Entry e : policies) {
            LinkedHashMap<String, Integer> bits = new LinkedHashMap<>();
            e.policy().bits().forEach((id, b) -> bits.put(id.weightName(), b));
            list.add(new Policy(e.policy().name(), e.nominalBits(), e.budgetBytes(), e.bytesPerToken(),
                    e.averageBits(), e.reward(), e.calibrationPerplexity(), e.bestEpisode(), e.log(), bits));
        }
        AtomicFiles.writeText(file, JsonBinding.write(new File(HaqModel.METHOD, scheme.id(), minBits, maxBits,
                episodes, seed, modelSha256, new TreeMap<>(calibration), fullPrecisionPerplexity, command, list)));
    }

    /**
     * Reads {@code file}, checking every policy names exactly the matrices of {@code config}; anything else is an
     * {@link IOException} naming the file and the field by its JSON path.
     */
    public static HaqPolicyFile read(Path file, LlamaConfig config) throws IOException {
        File f = JsonBinding.read(file, File.class);
        if (!HaqModel.METHOD.equals(f.method())) {
            throw new IOException(file + ": method: '" + f.method() + "'; expected '" + HaqModel.METHOD + "'");
        }
        QuantScheme scheme;
        try {
            scheme = QuantScheme.parse(f.scheme());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": scheme: " + e.getMessage(), e);
        }
        Map<String, LinearId> byName = new HashMap<>();
        LinearId.all(config).forEach(id -> byName.put(id.weightName(), id));
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < f.policies().size(); i++) {
            Policy p = f.policies().get(i);
            String where = file + ": policies[" + i + "]";
            Map<LinearId, Integer> bits = new HashMap<>();
            for (Map.Entry<String, Integer> e : p.bits().entrySet()) {
                LinearId id = byName.get(e.getKey());
                if (id == null) {
                    throw new IOException(where + ".bits." + e.getKey() + ": not a quantized matrix of the model;"
                            + " expected one of its " + byName.size() + " projection weights");
                }
                bits.put(id, e.getValue());
            }
            requireBytes(where + ".budgetBytes", p.budgetBytes());
            requireBytes(where + ".bytesPerToken", p.bytesPerToken());
            try {
                BitPolicy policy = BitPolicy.of(p.name(), bits).requireCovers(config);
                entries.add(new Entry(p.nominalBits(), p.budgetBytes(), p.bytesPerToken(), p.averageBits(),
                        p.reward(), p.calibrationPerplexity(), p.bestEpisode(), p.log(), policy));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return new HaqPolicyFile(scheme, f.minBits(), f.maxBits(), f.episodes(), f.seed(), f.modelSha256(),
                f.calibration(), f.fullPrecisionPerplexity(), f.command(), entries);
    }

    private static void requireBytes(String where, long bytes) throws IOException {
        if (bytes < 0) {
            throw new IOException(where + ": " + bytes + "; expected a whole number of bytes");
        }
    }
}
