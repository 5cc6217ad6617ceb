package org.pmpdrepro.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.anyprec.FisherCache;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.bitmixer.BitMixerArtefact;
import org.pmpdrepro.quant.bitmixer.BitMixerModel;
import org.pmpdrepro.quant.haq.HaqPolicyFile;
import org.pmpdrepro.quant.haq.HaqQuantizer;
import org.pmpdrepro.quant.store.Backbone;
import org.pmpdrepro.quant.store.Backbones;
import org.pmpdrepro.quant.store.CalibrationSet;
import org.pmpdrepro.quant.store.QuantizationStore;

/**
 * The four PTQ back-bones of the ablations (and RTN) exactly as the experiments build them on a model bundle: the
 * same calibration text, the committed Fisher sensitivities, HAQ policies and Bit-Mixer weights, and models reused
 * from the {@link QuantizationStore} when their inputs are unchanged. The suite, the {@code pmpd} commands and the
 * perplexity table share this, so every number comes from the same quantized models.
 *
 * @param fixtures the task fixtures directory (calibration text)
 * @param quantFixtures the committed quantization artefacts ({@code fixtures/quant})
 * @param store where quantized models are cached
 */
public record ExperimentBackbones(Path fixtures, Path quantFixtures, QuantizationStore store) {

    /**
     * The back-bone names, as cells and command lines spell them. {@code gptq} and {@code rtn} are grouped to read
     * Any-Precision's bytes ({@code quant.store.Backbones}); {@code gptq-per-row} and {@code rtn-per-row} are the
     * per-row configurations, kept for comparison.
     */
    public static final List<String> NAMES = List.of("any-precision", "gptq", "haq", "bit-mixer", "rtn",
            "gptq-per-row", "rtn-per-row");

    /** Calibration documents (of {@code calibration-text.jsonl}) that GPTQ and the Fisher sensitivities use. */
    public static final int CALIBRATION_SEQUENCES = 64;

    public static ExperimentBackbones defaults() {
        return new ExperimentBackbones(Path.of("fixtures", "tasks"), Path.of("fixtures", "quant"),
                QuantizationStore.atDefaultLocation());
    }

    /** The committed Fisher sensitivities of the fixture model. */
    public Path fisherFile() {
        return quantFixtures.resolve("anyprec").resolve("fisher.safetensors");
    }

    public Path haqPolicies() {
        return quantFixtures.resolve("haq").resolve(HaqPolicyFile.FILE_NAME);
    }

    public Path bitMixerDir() {
        return quantFixtures.resolve("bitmixer");
    }

    /** The calibration set of the experiments on {@code bundle}'s tokenizer. */
    public CalibrationSet calibration(ModelBundle bundle) throws IOException {
        return CalibrationSet.load(fixtures.resolve("calibration-text.jsonl"), bundle.tokenizer(),
                CALIBRATION_SEQUENCES, bundle.config().maxPositionEmbeddings());
    }

    /**
     * The Fisher sensitivities Any-Precision is built with: the committed file when its model and calibration hashes
     * match {@code bundle}, else computed into the store's {@code fisher/} cache.
     */
    public FisherSensitivities fisher(ModelBundle bundle) throws IOException {
        return FisherCache.loadOrCompute(fisherFile(), store.root().resolve("fisher"), bundle.checkpoint(),
                bundle.identity().sha256(), calibration(bundle));
    }

    /** Recomputes the Fisher sensitivities of {@code bundle} and writes them to {@link #fisherFile()}. */
    public FisherSensitivities regenerateFisher(ModelBundle bundle) throws IOException {
        return FisherSensitivities.computeTo(fisherFile(), bundle.checkpoint(), bundle.identity().sha256(),
                calibration(bundle));
    }

    /** Back-bone {@code name} of {@code bundle}'s model; an unknown name is an error listing {@link #NAMES}. */
    public QuantizedModel build(String name, ModelBundle bundle) throws IOException {
        String modelSha = bundle.identity().sha256();
        return switch (name) {
            case "rtn", "gptq", "rtn-per-row", "gptq-per-row" -> buildWithCalibration(Backbones.named(name), bundle);
            case "any-precision" -> {
                FisherSensitivities fisher = fisher(bundle);
                yield Backbones.named(name).build(store, new Backbone.Inputs(bundle.checkpoint(), modelSha,
                        Optional.empty(), Optional.of(new Backbone.Sensitivities(fisher, fisher.contentSha256()))));
            }
            case "haq" -> {
                HaqPolicyFile policies = HaqPolicyFile.read(haqPolicies(), bundle.config());
                requireSameModel("HAQ policies " + haqPolicies(), policies.modelSha256(), modelSha);
                yield new Backbone(new HaqQuantizer(policies.bitPolicies(), policies.scheme()), Set.of())
                        .build(store, new Backbone.Inputs(bundle.checkpoint(), modelSha, Optional.empty(),
                                Optional.empty()));
            }
            case "bit-mixer" -> {
                // The fine-tuning depends on the weights and configuration only (not the tokenizer): its manifest
                // records the identity of those two files.
                String weightsSha = ModelIdentity.of(bundle.directory(), List.of(CheckpointDirectory.CONFIG,
                        bundle.checkpoint().weightsFile().getFileName().toString())).sha256();
                yield BitMixerModel.of(BitMixerArtefact.read(bitMixerDir(), bundle.config(), weightsSha));
            }
            default -> throw new IllegalArgumentException("unknown back-bone '" + name + "'; expected one of "
                    + NAMES);
        };
    }

    /**
     * {@code backbone} of {@code bundle}'s model with the experiments' calibration set as its only input beyond the
     * weights (RTN and GPTQ, in the ablations' configuration or another, such as narrower widths).
     */
    public QuantizedModel buildWithCalibration(Backbone backbone, ModelBundle bundle) throws IOException {
        return backbone.build(store, new Backbone.Inputs(bundle.checkpoint(), bundle.identity().sha256(),
                Optional.of(calibration(bundle)), Optional.empty()));
    }

    private static void requireSameModel(String what, String recorded, String actual) {
        if (!recorded.equals(actual)) {
            throw new IllegalStateException(what + " were computed for model " + recorded + "; this model is "
                    + actual + " (regenerate them with the command in their README)");
        }
    }
}
