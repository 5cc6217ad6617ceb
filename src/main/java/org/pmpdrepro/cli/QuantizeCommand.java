package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.Quantizer;
import org.pmpdrepro.quant.gptq.GptqQuantizer;
import org.pmpdrepro.quant.methods.Backbones;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.CachedQuantizer;
import org.pmpdrepro.quant.store.QuantizationStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd quantize}: builds one back-bone of a model as the ablations build it and stores it in the quantization
 * cache, nothing else (no perplexity, no decoding), so the cost of a quantizer can be measured and a large model
 * prepared ahead of a run.
 */
@Command(
        name = "quantize",
        mixinStandardHelpOptions = true,
        description = {
            "Quantizes a model with one back-bone as the ablations build it (Any-Precision with Fisher",
            "sensitivities computed when no committed file matches the model) and stores it in the cache.",
            "--bits narrows RTN and GPTQ to some widths (a separate cache entry; the ablations use 2,3,4)."
        })
public final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--method", required = true, paramLabel = "M",
            description = "One of ${COMPLETION-CANDIDATES}.", completionCandidates = QuantTableCommand.MethodNames.class)
    String method;

    @Option(names = "--bits", paramLabel = "B", split = ",",
            description = "RTN and GPTQ only: the widths to build (default: the ablations' 2,3,4).")
    List<Integer> bits;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--quant-fixtures", paramLabel = "DIR",
            description = "Committed Fisher sensitivities, HAQ policies, Bit-Mixer weights (default: ${DEFAULT-VALUE}).")
    Path quantFixtures = Path.of("fixtures", "quant");

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Quantization cache (default: -Dpmpd.quantCache or target/quant-cache).")
    Path cache;

    @Override
    public Integer call() throws IOException {
        if (!Backbones.NAMES.contains(method)) {
            throw new ParameterException(spec.commandLine(), "--method: unknown back-bone '" + method
                    + "'; expected one of " + Backbones.NAMES);
        }
        QuantizationStore store = cache == null ? QuantizationStore.atDefaultLocation()
                : new QuantizationStore(cache, QuantizationStore.Mode.REBUILD);
        Backbones experiments = new Backbones(fixtures, quantFixtures, store);
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (ModelBundle bundle = ModelBundle.open(model.model, model.deviceChoice())) {
            QuantizedModel q;
            if (bits == null) {
                q = experiments.build(method, bundle);
            } else {
                CachedQuantizer named = Backbones.hasCachedQuantizer(method) ? Backbones.cachedQuantizer(method) : null;
                Quantizer narrowed = switch (named == null ? null : named.quantizer()) {
                    case GptqQuantizer g -> g.withBitWidths(new TreeSet<>(bits));
                    case RtnQuantizer r -> new RtnQuantizer(new TreeSet<>(bits), r.grouping());
                    case null, default -> throw new ParameterException(spec.commandLine(), "--bits applies to rtn and"
                            + " gptq; " + method + " builds the widths it serves in one pass");
                };
                q = experiments.buildWithCalibration(new CachedQuantizer(narrowed, named.uses(), named.codec()), bundle);
            }
            out.printf(Locale.ROOT, "%s of %s: widths %s, %.1f s (loading the model included); cached in %s%n",
                    method, model.model, q.bitWidths(), (System.nanoTime() - start) / 1e9, store.root());
            out.flush();
            return 0;
        }
    }
}
