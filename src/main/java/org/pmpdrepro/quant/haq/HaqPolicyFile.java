package org.pmpdrepro.quant.haq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
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

    /** Writes the file atomically. */
    public void write(Path file) throws IOException {
        ObjectMapper json = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("method", HaqModel.METHOD);
        root.put("scheme", scheme.id());
        root.put("minBits", minBits);
        root.put("maxBits", maxBits);
        root.put("episodes", episodes);
        root.put("seed", seed);
        root.put("modelSha256", modelSha256);
        ObjectNode cal = root.putObject("calibration");
        new TreeMap<>(calibration).forEach(cal::put);
        root.put("fullPrecisionPerplexity", fullPrecisionPerplexity);
        root.put("command", command);
        ArrayNode list = root.putArray("policies");
        for (Entry e : policies) {
            ObjectNode p = list.addObject();
            p.put("name", e.policy().name());
            p.put("nominalBits", e.nominalBits());
            p.put("budgetBytes", e.budgetBytes());
            p.put("bytesPerToken", e.bytesPerToken());
            p.put("averageBits", e.averageBits());
            p.put("reward", e.reward());
            p.put("calibrationPerplexity", e.calibrationPerplexity());
            p.put("bestEpisode", e.bestEpisode());
            p.put("log", e.log());
            ObjectNode bits = p.putObject("bits");
            e.policy().bits().forEach((id, b) -> bits.put(id.weightName(), b));
        }
        AtomicFiles.writeText(file, json.writeValueAsString(root) + "\n");
    }

    /** Reads {@code file}, checking every policy names exactly the matrices of {@code config}. */
    public static HaqPolicyFile read(Path file, LlamaConfig config) throws IOException {
        JsonNode root = Json.read(file);
        Map<String, LinearId> byName = new HashMap<>();
        LinearId.all(config).forEach(id -> byName.put(id.weightName(), id));
        List<Entry> entries = new ArrayList<>();
        JsonNode list = field(root, "policies", file);
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            String where = file + " policies[" + i + "]";
            Map<LinearId, Integer> bits = new HashMap<>();
            var it = field(p, "bits", file).fields();
            while (it.hasNext()) {
                var e = it.next();
                LinearId id = byName.get(e.getKey());
                if (id == null || !e.getValue().canConvertToInt()) {
                    throw new IOException(where + ".bits: '" + e.getKey() + "' = " + e.getValue()
                            + "; expected a quantized matrix of the model with an integer width");
                }
                bits.put(id, e.getValue().asInt());
            }
            try {
                BitPolicy policy = BitPolicy.of(field(p, "name", file).asText(), bits).requireCovers(config);
                entries.add(new Entry(integer(p, "nominalBits", where), whole(p, "budgetBytes", where),
                        whole(p, "bytesPerToken", where), field(p, "averageBits", file).asDouble(),
                        field(p, "reward", file).asDouble(), field(p, "calibrationPerplexity", file).asDouble(),
                        field(p, "bestEpisode", file).asInt(), field(p, "log", file).asText(), policy));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> cal = new LinkedHashMap<>();
        field(root, "calibration", file).fields().forEachRemaining(e -> cal.put(e.getKey(), e.getValue().asText()));
        return new HaqPolicyFile(QuantScheme.parse(field(root, "scheme", file).asText()),
                field(root, "minBits", file).asInt(), field(root, "maxBits", file).asInt(),
                field(root, "episodes", file).asInt(), field(root, "seed", file).asLong(),
                field(root, "modelSha256", file).asText(), cal, field(root, "fullPrecisionPerplexity", file).asDouble(),
                field(root, "command", file).asText(), entries);
    }

    private static int integer(JsonNode node, String name, String where) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || !v.canConvertToInt()) {
            throw new IOException(where + ": field '" + name + "' is " + v + "; expected an integer");
        }
        return v.asInt();
    }

    private static long whole(JsonNode node, String name, String where) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IOException(where + ": field '" + name + "' is " + v + "; expected a whole number of bytes");
        }
        return v.asLong();
    }

    private static JsonNode field(JsonNode node, String name, Path file) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IOException(file + ": missing field '" + name + "'");
        }
        return v;
    }
}
