package org.pmpdrepro.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.model.ModelFiles;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.haq.AgentConfig;
import org.pmpdrepro.quant.haq.HaqPolicyFile;
import org.pmpdrepro.quant.haq.HaqSearch;
import org.pmpdrepro.quant.haq.QuantScheme;
import org.pmpdrepro.quant.haq.SearchCalibration;
import org.pmpdrepro.quant.haq.SearchConfig;
import org.pmpdrepro.quant.haq.SearchLogCsv;
import org.pmpdrepro.quant.haq.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd haq-search}: searches HAQ's per-matrix bit-width policies, one per budget, resumably. */
@Command(
        name = "haq-search",
        mixinStandardHelpOptions = true,
        description = {
            "Searches a HAQ policy (a bit-width per quantized matrix) under each byte budget with the DDPG agent,",
            "scored by calibration perplexity, and writes policies.json and one search-<policy>.csv log per budget to",
            "--out. A budget of B is the weight bytes Any-Precision reads per decode step at B bits (codes and",
            "centroid tables); a policy's bytes count its tables too. Each episode is checkpointed under --work; a",
            "stopped run resumes there."
        })
public final class HaqSearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--calibration", paramLabel = "FILE", defaultValue = "fixtures/tasks/calibration-text.jsonl",
            description = "Calibration text, JSONL of {\"text\": ...} (default: ${DEFAULT-VALUE}).")
    Path calibrationFile;

    @Option(names = "--sequences", defaultValue = "16", paramLabel = "N",
            description = "Calibration documents scored per episode, the first N of the file (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N",
            description = "Tokens per calibration sequence at most, <bos> included (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--budgets", defaultValue = "4,3,2", split = ",", paramLabel = "BITS",
            description = {"Nominal widths; policy haq-<B> is searched for each, under a budget of Any-Precision's",
                "bytes at B bits (default: ${DEFAULT-VALUE})."})
    List<Integer> budgets;

    @Option(names = "--episodes", defaultValue = "200", paramLabel = "N",
            description = "Episodes per budget, warm-up included (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N",
            description = "Episodes of random actions before the agent learns (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--hidden", defaultValue = "64", paramLabel = "N",
            description = "Hidden units per layer of actor and critic (default: ${DEFAULT-VALUE}; the original: 300).")
    int hidden;

    @Option(names = "--min-bits", defaultValue = "2", paramLabel = "B",
            description = {"Lowest width (default: ${DEFAULT-VALUE}; the original allows 1, but without its fine-tuning",
                "a 1-bit matrix wrecks the model, and searches that could use 1 bit lost to uniform widths).",
                "With the k-means scheme a budget of this width leaves one feasible policy: every matrix at it."})
    int minBits;

    @Option(names = "--max-bits", defaultValue = "8", paramLabel = "B", description = "Highest width (default: ${DEFAULT-VALUE}).")
    int maxBits;

    @Option(names = "--scheme", defaultValue = "kmeans", paramLabel = "S",
            description = "kmeans or linear (default: ${DEFAULT-VALUE}).")
    String scheme;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Search seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "fixtures/quant/haq", paramLabel = "DIR",
            description = "Where policies.json and the logs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", defaultValue = "work/haq-search", paramLabel = "DIR",
            description = {"Per-episode checkpoints, and while the search runs the quantized matrices (one file per",
                "matrix and width, at most about 7 bytes per weight; removed when it ends) (default: ${DEFAULT-VALUE})."})
    Path work;

    @Override
    public Integer call() throws IOException {
        DeviceChoice device = modelOptions.deviceChoice();
        QuantScheme quantScheme;
        SearchConfig[] searches = new SearchConfig[budgets.size()];
        try {
            quantScheme = QuantScheme.parse(scheme);
            AgentConfig agent = AgentConfig.forSmallModels().withHidden(hidden).withWarmup(warmup);
            for (int i = 0; i < budgets.size(); i++) {
                int b = budgets.get(i);
                searches[i] = new SearchConfig("haq-" + b, b, minBits, maxBits, episodes, seed, agent);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter log = spec.commandLine().getOut();
        // The model's files only: each episode builds its own quantized model and the unquantized one is built once
        // for the reference perplexity, so no model stays resident beside them.
        try (ModelFiles files = ModelFiles.open(modelOptions.model)) {
            SearchCalibration calibration = SearchCalibration.load(calibrationFile, files.tokenizer(), sequences,
                    maxTokens);
            Files.createDirectories(work);
            Path spill = Files.createTempDirectory(work, "matrices-");
            try {
                search(log, files, calibration, quantScheme, searches, device.resolve(), spill);
            } finally {
                AtomicFiles.deleteTree(spill);
            }
        }
        return 0;
    }

    private void search(PrintWriter log, ModelFiles files, SearchCalibration calibration, QuantScheme quantScheme,
            SearchConfig[] searches, Device device, Path spill) throws IOException {
        HaqSearch search = new HaqSearch(files.checkpoint(), quantScheme, calibration.sequences(), device,
                modelOptions.batchSize, spill);
        say(log, "full-precision calibration perplexity " + search.fullPrecisionPerplexity() + " over "
                + sequences + " sequences");
        List<HaqPolicyFile.Entry> entries = new ArrayList<>();
        Files.createDirectories(out);
        for (SearchConfig s : searches) {
            SearchResult r = search.run(s, work.resolve(s.policyName() + ".ckpt"), line -> say(log, line));
            String logName = "search-" + s.policyName() + ".csv";
            SearchLogCsv.write(out.resolve(logName), LinearId.all(files.config()), r.log());
            double avg = r.policy().averageBits(files.config());
            entries.add(new HaqPolicyFile.Entry(s.nominalBits(), r.budgetBytes(), r.bytes(), avg, r.reward(),
                    r.perplexity(), r.bestEpisode(), logName, r.policy()));
            say(log, s.policyName() + ": best reward " + r.reward() + " at episode " + r.bestEpisode()
                    + ", calibration perplexity " + r.perplexity() + ", average bits " + avg + ", " + r.bytes()
                    + " of " + r.budgetBytes() + " bytes per token");
        }
        Map<String, String> cal = new LinkedHashMap<>();
        cal.put("file", calibrationFile.toString().replace('\\', '/'));
        cal.put("fileSha256", calibration.fileSha256());
        cal.put("sequences", String.valueOf(sequences));
        cal.put("maxTokens", String.valueOf(maxTokens));
        cal.put("tokensSha256", calibration.tokensSha256());
        HaqPolicyFile file = new HaqPolicyFile(quantScheme, minBits, maxBits, episodes, seed,
                files.identity().sha256(), cal, search.fullPrecisionPerplexity(), commandLine(), entries);
        file.write(out.resolve(HaqPolicyFile.FILE_NAME));
        say(log, "wrote " + out.resolve(HaqPolicyFile.FILE_NAME));
    }

    private static void say(PrintWriter log, String line) {
        log.println(Instant.now() + " " + line);
        log.flush();
    }

    /** The command as typed (paths as given, so relative paths stay relative in the record). */
    private String commandLine() {
        return "pmpd " + spec.commandLine().getParseResult().originalArgs().stream()
                .map(a -> a.isEmpty() || a.matches(".*[\\s'\"\\\\$].*") ? "'" + a.replace("'", "'\\''") + "'" : a)
                .collect(Collectors.joining(" "));
    }
}
