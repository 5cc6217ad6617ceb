package org.pmpdrepro.quant.methods;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.ModelIdentity;
import org.pmpdrepro.model.ModelSource;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.Quantizer;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.anyprec.FisherCache;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.bitmixer.BitMixerArtefact;
import org.pmpdrepro.quant.bitmixer.BitMixerModel;
import org.pmpdrepro.quant.gptq.GptqQuantizer;
import org.pmpdrepro.quant.haq.HaqPolicyFile;
import org.pmpdrepro.quant.haq.HaqQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.CachedQuantizer.Input;
import org.pmpdrepro.quant.store.CachedQuantizer;
import org.pmpdrepro.quant.store.CalibrationSet;
import org.pmpdrepro.quant.store.QuantizationStore;

/**
 * The one registry of back-bones: the four PTQ back-bones of the ablations (and RTN) exactly as the experiments build
 * them on a model bundle, with the same calibration text, the committed Fisher sensitivities, HAQ policies and
 * Bit-Mixer weights, and models reused from the {@link QuantizationStore} when their inputs are unchanged. The suite,
 * the {@code pmpd} commands, the CLI and the perplexity table take their {@link Backbone}s from here, so every
 * number comes from the same quantized models.
 *
 * <p>{@code rtn} and {@code gptq} are the configurations the ablations compare at equal bytes: grids per group of
 * input columns, as many groups per row as read Any-Precision's bytes at each width, and for GPTQ act-order with
 * static groups. {@code rtn-per-row} and {@code gptq-per-row} keep one grid per output row (GPTQ in column order),
 * the configuration before the equal-bytes comparison, for reference. A new configuration of a cached quantizer is
 * one entry in {@link #CACHED} (and a new method's codec one line in {@link QuantizationCodecs}).
 *
 * @param fixtures the task fixtures directory (calibration text)
 * @param quantFixtures the committed quantization artefacts ({@code fixtures/quant})
 * @param store where quantized models are cached
 */
public record Backbones(Path fixtures, Path quantFixtures, QuantizationStore store) {

    /** The back-bone names, as cells and command lines spell them. */
    public static final List<String> NAMES = List.of("any-precision", "gptq", "haq", "bit-mixer", "rtn",
            "gptq-per-row", "rtn-per-row");

    /**
     * Any-Precision (2-bit seed, 4-bit parent) with uniform sensitivities: plain k-means, no calibration and no
     * committed schedules (so PMPD's static and learned schedulers cannot run on it until they are fitted).
     */
    public static final String ANY_PRECISION_UNIFORM = "any-precision-uniform";

    /** Where the committed quantization artefacts live (beside the task fixtures). */
    public static final Path QUANT_FIXTURES = Path.of("fixtures", "quant");

    /** The configured quantizers behind rtn, gptq, any-precision and the per-row configurations, by name. */
    private static final Map<String, CachedQuantizer> CACHED = cached();

    /** Calibration documents (of {@code calibration-text.jsonl}) that GPTQ and the Fisher sensitivities use. */
    public static final int CALIBRATION_SEQUENCES = 64;

    public static Backbones defaults() {
        return new Backbones(Path.of("fixtures", "tasks"), QUANT_FIXTURES, QuantizationStore.atDefaultLocation());
    }

    private static Map<String, CachedQuantizer> cached() {
        Map<String, CachedQuantizer> out = new LinkedHashMap<>();
        out.put("rtn", cached(RtnQuantizer.equalBytes(Set.of(2, 3, 4)), Set.of()));
        out.put("rtn-per-row", cached(RtnQuantizer.perRow(Set.of(2, 3, 4)), Set.of()));
        out.put("any-precision", cached(AnyPrecisionQuantizer.defaults(), Set.of(Input.SENSITIVITIES)));
        out.put("gptq", cached(GptqQuantizer.equalBytes(), Set.of(Input.CALIBRATION)));
        out.put("gptq-per-row", cached(GptqQuantizer.defaults(), Set.of(Input.CALIBRATION)));
        return Collections.unmodifiableMap(out);
    }

    /** Whether back-bone {@code name} is a configured quantizer ({@link #cachedQuantizer}). */
    public static boolean hasCachedQuantizer(String name) {
        return CACHED.containsKey(name);
    }

    /** {@code quantizer} with the inputs it reads and its method's codec ({@link QuantizationCodecs}). */
    private static CachedQuantizer cached(Quantizer quantizer, Set<Input> uses) {
        return new CachedQuantizer(quantizer, uses, QuantizationCodecs.forMethod(quantizer.method()));
    }

    /**
     * The configured quantizer of back-bone {@code name} (rtn, gptq, any-precision and the per-row configurations),
     * for a caller that builds it with other inputs or narrower widths; another name is an error listing these.
     */
    public static CachedQuantizer cachedQuantizer(String name) {
        CachedQuantizer q = CACHED.get(name);
        if (q == null) {
            throw new IllegalArgumentException("unknown back-bone '" + name + "'; expected one of " + CACHED.keySet());
        }
        return q;
    }

    /**
     * Back-bone {@code name} as the experiments build it, from the inputs' fixtures, the committed artefacts in
     * {@link #QUANT_FIXTURES} and the default quantization store; or {@link #ANY_PRECISION_UNIFORM}. An unknown name
     * is an {@link IllegalArgumentException} listing the known ones.
     */
    public static Backbone named(String name) {
        if (name.equals(ANY_PRECISION_UNIFORM)) {
            // Its results carry the name they have always had.
            return Backbone.of("any-precision(uniform-sensitivity)", inputs -> AnyPrecisionQuantizer.defaults().quantize(inputs.model().checkpoint(),
                    QuantizationInputs.withSensitivities(SensitivitySource.uniform())));
        }
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown back-bone '" + name + "'; expected one of " + NAMES + " or "
                    + ANY_PRECISION_UNIFORM);
        }
        return Backbone.of(name, inputs -> new Backbones(inputs.fixturesDir(), QUANT_FIXTURES,
                QuantizationStore.atDefaultLocation()).build(name, inputs.model()));
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

    /** The calibration set of the experiments on {@code model}'s tokenizer. */
    public CalibrationSet calibration(ModelSource model) throws IOException {
        return CalibrationSet.load(fixtures.resolve("calibration-text.jsonl"), model.tokenizer(),
                CALIBRATION_SEQUENCES, model.config().maxPositionEmbeddings());
    }

    /**
     * The Fisher sensitivities Any-Precision is built with: the committed file when its model and calibration hashes
     * match {@code model}, else computed into the store's {@code fisher/} cache.
     */
    public FisherSensitivities fisher(ModelSource model) throws IOException {
        return FisherCache.loadOrCompute(fisherFile(), store.root().resolve("fisher"), model.checkpoint(),
                model.identity().sha256(), calibration(model));
    }

    /** Recomputes the Fisher sensitivities of {@code model} and writes them to {@link #fisherFile()}. */
    public FisherSensitivities regenerateFisher(ModelSource model) throws IOException {
        return FisherSensitivities.computeTo(fisherFile(), model.checkpoint(), model.identity().sha256(),
                calibration(model));
    }

    /** Back-bone {@code name} of {@code model}'s model; an unknown name is an error listing {@link #NAMES}. */
    public QuantizedModel build(String name, ModelSource model) throws IOException {
        String modelSha = model.identity().sha256();
        return switch (name) {
            case "rtn", "gptq", "rtn-per-row", "gptq-per-row" -> buildWithCalibration(cachedQuantizer(name), model);
            case "any-precision" -> {
                FisherSensitivities fisher = fisher(model);
                yield cachedQuantizer(name).build(store, new CachedQuantizer.Inputs(model.checkpoint(), modelSha,
                        Optional.empty(), Optional.of(new CachedQuantizer.Sensitivities(fisher, fisher.contentSha256()))));
            }
            case "haq" -> {
                HaqPolicyFile policies = HaqPolicyFile.read(haqPolicies(), model.config());
                requireSameModel("HAQ policies " + haqPolicies(), policies.modelSha256(), modelSha);
                yield cached(new HaqQuantizer(policies.bitPolicies(), policies.scheme()), Set.of())
                        .build(store, new CachedQuantizer.Inputs(model.checkpoint(), modelSha, Optional.empty(),
                                Optional.empty()));
            }
            case "bit-mixer" -> {
                // The fine-tuning depends on the weights and configuration only (not the tokenizer): its manifest
                // records the identity of those two files.
                String weightsSha = ModelIdentity.of(model.directory(), List.of(CheckpointDirectory.CONFIG,
                        model.checkpoint().weightsFile().getFileName().toString())).sha256();
                yield BitMixerModel.of(BitMixerArtefact.read(bitMixerDir(), model.config(), weightsSha));
            }
            default -> throw new IllegalArgumentException("unknown back-bone '" + name + "'; expected one of "
                    + NAMES);
        };
    }

    /**
     * {@code quantizer}'s model of {@code model}'s weights with the experiments' calibration set as its only input beyond the
     * weights (RTN and GPTQ, in the ablations' configuration or another, such as narrower widths).
     */
    public QuantizedModel buildWithCalibration(CachedQuantizer quantizer, ModelSource model) throws IOException {
        return quantizer.build(store, new CachedQuantizer.Inputs(model.checkpoint(), model.identity().sha256(),
                Optional.of(calibration(model)), Optional.empty()));
    }

    private static void requireSameModel(String what, String recorded, String actual) {
        if (!recorded.equals(actual)) {
            throw new IllegalStateException(what + " were computed for model " + recorded + "; this model is "
                    + actual + " (regenerate them with the command in their README)");
        }
    }
}
