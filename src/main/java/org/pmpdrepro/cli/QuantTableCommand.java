package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.quant.methods.Backbones;
import org.pmpdrepro.quant.methods.PerplexityTabulation;
import org.pmpdrepro.quant.methods.PerplexityTable;
import org.pmpdrepro.quant.store.QuantizationStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd quant-table}: calibration and test perplexity and memory of every back-bone at 2, 3 and 4 bits. */
@Command(
        name = "quant-table",
        mixinStandardHelpOptions = true,
        description = {
            "Quantizes the model with each back-bone (through the quantization cache), measures calibration and",
            "test perplexity at full precision and each bit-width, and resident bytes for precision sets {4,3} and",
            "{3,2}; prints the table and writes quant-table.md and quant-table.csv to --out."
        })
public final class QuantTableCommand implements Callable<Integer> {

    static final String MARKDOWN = "quant-table.md";
    static final String CSV = "quant-table.csv";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--methods", paramLabel = "M", split = ",",
            description = "Back-bones to tabulate (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = MethodNames.class)
    List<String> methods;

    @Option(names = "--bits", paramLabel = "B", split = ",", description = "Bit-widths (default: 2,3,4).")
    List<Integer> bits = List.of(2, 3, 4);

    @Option(names = "--calibration-sequences", paramLabel = "N",
            description = "Calibration documents for calibration perplexity (default: ${DEFAULT-VALUE}).")
    int calibrationSequences = 64;

    @Option(names = "--test-limit", paramLabel = "N",
            description = "First N test examples per task for test perplexity; 0 for all (default: ${DEFAULT-VALUE}).")
    int testLimit = 32;

    @Option(names = "--quant-fixtures", paramLabel = "DIR",
            description = {"The committed quantization artefacts the back-bones are built from: Fisher sensitivities,",
                "HAQ policies, Bit-Mixer weights (default: ${DEFAULT-VALUE})."})
    Path quantFixtures = Path.of("fixtures", "quant");

    @Option(names = "--regenerate-fisher",
            description = "Recompute the Fisher sensitivities into --quant-fixtures before building Any-Precision.")
    boolean regenerateFisher;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Quantization cache (default: -Dpmpd.quantCache or target/quant-cache).")
    Path cache;

    @Option(names = "--strict", description = "Fail on a corrupt cache entry instead of rebuilding it.")
    boolean strict;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the table (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "quant-table");

    @Override
    public Integer call() throws IOException {
        DeviceChoice choice = model.deviceChoice();
        List<String> backbones = backbones();
        if (calibrationSequences < 1 || testLimit < 0) {
            throw usage("--calibration-sequences must be >= 1 and --test-limit >= 0");
        }
        QuantizationStore store = cache == null ? QuantizationStore.atDefaultLocation()
                : new QuantizationStore(cache, QuantizationStore.Mode.REBUILD);
        if (strict) {
            store = new QuantizationStore(store.root(), QuantizationStore.Mode.STRICT);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ModelBundle bundle = ModelBundle.open(model.model, choice)) {
            PerplexityTable table = new PerplexityTabulation(new PerplexityTabulation.Settings(fixtures, bits,
                    calibrationSequences, testLimit, model.batchSize, regenerateFisher))
                    .tabulate(bundle, backbones, new Backbones(fixtures, quantFixtures, store));
            String md = table.markdown();
            AtomicFiles.writeString(out.resolve(MARKDOWN), md);
            AtomicFiles.writeString(out.resolve(CSV), table.csv());
            stdout.print(md);
            stdout.println("written to " + out.resolve(MARKDOWN) + " and " + out.resolve(CSV));
            stdout.flush();
            return 0;
        }
    }

    private List<String> backbones() {
        List<String> out = new ArrayList<>();
        for (String m : methods == null ? Backbones.NAMES : methods) {
            if (!Backbones.NAMES.contains(m.trim())) {
                throw usage("--methods: unknown back-bone '" + m.trim() + "'; expected some of "
                        + Backbones.NAMES);
            }
            out.add(m.trim());
        }
        for (int b : bits) {
            if (b < 1 || b > 8) {
                throw usage("--bits " + b + ": expected bit-widths in 1..8");
            }
        }
        return out;
    }

    /** The back-bone names, for {@code --help}. */
    static final class MethodNames extends ArrayList<String> {
        MethodNames() {
            super(Backbones.NAMES);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
