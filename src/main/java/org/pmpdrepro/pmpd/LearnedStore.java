package org.pmpdrepro.pmpd;

import static org.pmpdrepro.io.JsonBinding.finiteOrNull;
import static org.pmpdrepro.io.JsonBinding.nanIfNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.SafetensorsFile;
import org.pmpdrepro.model.SafetensorsWriter;
import org.pmpdrepro.model.Tensor;

/**
 * The committed form of a trained learned scheduler, per back-bone and precision pair, under
 * {@code <dir>/<back-bone>/}: {@code classifier-H-L.safetensors} (the flat fp32 parameters, layout in the metadata),
 * {@code classifier-H-L.json} (training command, configuration, input hashes, label counts, accuracies beside the
 * majority-class rate) and {@code validation-H-L.safetensors} (the held-out features, fp16 as they were computed,
 * and labels, so the validation accuracy can be re-measured from the committed weights).
 */
public final class LearnedStore {

    public static final Path DEFAULT_DIR = Path.of("fixtures", "pmpd", "learned");

    /** The card's {@code validation_features} where the held-out features were not written. */
    public static final String NOT_WRITTEN = "not written (train-learned --no-validation-features)";

    /** A loaded classifier with its card. */
    public record Saved(SwitchClassifier classifier, Path weights, double validationAccuracy, int[] labelCounts,
            Card card) {}

    /** The card's form, written by {@link #save} from the result and its {@link Sources}, bound strictly when read. */
    public record Card(String backbone, String pair, String classes, Layout layout, Training training,
            @JsonProperty("label_counts_train") List<Integer> labelCountsTrain,
            @JsonProperty("label_counts_validation") List<Integer> labelCountsValidation,
            @JsonProperty("train_examples") int trainExamples,
            @JsonProperty("validation_examples") int validationExamples,
            @JsonProperty("train_accuracy") @JsonBinding.MayBeNull Double trainAccuracy,
            @JsonProperty("validation_accuracy") @JsonBinding.MayBeNull Double validationAccuracy,
            @JsonProperty("validation_majority_class") int validationMajorityClass,
            @JsonProperty("validation_majority_rate") @JsonBinding.MayBeNull Double validationMajorityRate,
            @JsonProperty("validation_balanced_accuracy") @JsonBinding.MayBeNull Double validationBalancedAccuracy,
            @JsonProperty("beats_majority_class") boolean beatsMajorityClass,
            @JsonProperty("validation_features") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            String validationFeatures, String command,
            @JsonProperty("model_sha256") String modelSha256, @JsonProperty("backbone_sha256") String backboneSha256,
            @JsonProperty("fixtures_manifest_sha256") String fixturesManifestSha256,
            @JsonProperty("calibration_text") FittedFiles.Input calibrationText,
            @JsonProperty("calibration_splits") LinkedHashMap<String, FittedFiles.Input> calibrationSplits, Data data)
            implements FittedFiles.Fitted {}

    /** The classifier's layout as the card states it. */
    public record Layout(int pools, @JsonProperty("queries_per_pool") int queriesPerPool,
            @JsonProperty("head_dim") int headDim, int parameters) {}

    /** How the classifier was trained. */
    public record Training(int epochs, int batch, @JsonProperty("learning_rate") double learningRate,
            @JsonProperty("weight_decay") double weightDecay,
            @JsonProperty("validation_fraction") double validationFraction, long seed, String sampling, String loss,
            String optimiser) {}

    /** The training data's card: prompts, generation lengths, the label's definition and counts. */
    public record Data(@JsonProperty("text_prompts") int textPrompts, @JsonProperty("task_prompts") int taskPrompts,
            @JsonProperty("max_prompt_tokens") int maxPromptTokens,
            @JsonProperty("text_new_tokens") int textNewTokens,
            @JsonProperty("task_new_tokens") String taskNewTokens, String label,
            @JsonProperty("label_counts_all") List<Integer> labelCountsAll,
            @JsonProperty("served_as") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            String servedAs) {}

    private LearnedStore() {}

    public static Path weights(Path dir, String backbone, PrecisionPair pair) {
        return FittedFiles.dir(dir, backbone).resolve("classifier-" + pair.fileLabel() + ".safetensors");
    }

    public static Path card(Path dir, String backbone, PrecisionPair pair) {
        return FittedFiles.dir(dir, backbone).resolve("classifier-" + pair.fileLabel() + ".json");
    }

    public static Path validation(Path dir, String backbone, PrecisionPair pair) {
        return FittedFiles.dir(dir, backbone).resolve("validation-" + pair.fileLabel() + ".safetensors");
    }

    /** The command that trains {@code backbone}'s classifiers. */
    public static String fitCommand(String backbone) {
        return "pmpd schedule train-learned --backbone " + backbone;
    }

    /**
     * What a classifier's card records of how it was made: the fit's provenance, the calibration text and splits
     * it read, and its training data's card.
     */
    public record Sources(FittedFiles.Provenance provenance, FittedFiles.Input calibrationText,
            LinkedHashMap<String, FittedFiles.Input> calibrationSplits, Data data) {}

    /** Writes the three files of {@code backbone} and {@code pair}, the card with {@code sources}. */
    public static void save(Path dir, String backbone, PrecisionPair pair, ClassifierTrainer.Result result,
            ClassifierTrainer.Config config, Sources sources) throws IOException {
        save(dir, backbone, pair, result, config, sources, true);
    }

    /**
     * As {@link #save(Path, String, PrecisionPair, ClassifierTrainer.Result, ClassifierTrainer.Config, Sources)};
     * with {@code validationFeatures} false the held-out features are not written (about 1.8 MB per pair, too much
     * to commit for every back-bone) and the card says so: its accuracies then stand as measured at training time.
     */
    public static void save(Path dir, String backbone, PrecisionPair pair, ClassifierTrainer.Result result,
            ClassifierTrainer.Config config, Sources sources, boolean validationFeatures) throws IOException {
        SwitchClassifier c = result.classifier();
        SwitchClassifier.Layout l = c.layout();
        double[] p = c.parameters();
        float[] flat = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            flat[i] = (float) p[i];
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("pools", Integer.toString(l.pools()));
        meta.put("queries_per_pool", Integer.toString(l.queriesPerPool()));
        meta.put("head_dim", Integer.toString(l.headDim()));
        meta.put("pair", pair.label());
        SafetensorsWriter.write(weights(dir, backbone, pair), List.of(new Tensor("params", new int[] {flat.length}, flat)),
                DType.F32, meta);

        Path validationFile = validation(dir, backbone, pair);
        if (validationFeatures) {
            writeValidation(validationFile, backbone, pair, result);
        } else {
            Files.deleteIfExists(validationFile);
        }

        FittedFiles.Provenance made = sources.provenance();
        // An empty held-out split leaves the validation rates undefined: null in the card (JSON has no NaN).
        Card card = new Card(backbone, pair.label(), "switch point [0, N/3, 2N/3, N][k] for N max new tokens",
                new Layout(l.pools(), l.queriesPerPool(), l.headDim(), l.size()),
                new Training(config.epochs(), config.batch(), config.learningRate(), config.weightDecay(),
                        config.validationFraction(), config.seed(), "every training class oversampled with"
                        + " replacement to the largest class's " + result.balancedCount() + " examples, shuffled each"
                        + " epoch", "cross-entropy", "Adam with L2 weight decay"),
                boxed(result.trainClassCounts()), boxed(LearnedData.counts(result.validation())),
                result.train().size(), result.validation().size(), finiteOrNull(result.trainAccuracy()),
                finiteOrNull(result.validationAccuracy()), result.majorityClass(),
                finiteOrNull(result.majorityRate()), finiteOrNull(result.validationBalancedAccuracy()),
                result.validationAccuracy() > result.majorityRate(), validationFeatures ? null : NOT_WRITTEN,
                made.command(), made.modelSha256(), made.backboneSha256(), made.fixturesManifestSha256(),
                sources.calibrationText(), sources.calibrationSplits(), sources.data());
        FittedFiles.write(card(dir, backbone, pair), card);
    }

    private static List<Integer> boxed(int[] counts) {
        return java.util.Arrays.stream(counts).boxed().toList();
    }

    private static void writeValidation(Path file, String backbone, PrecisionPair pair,
            ClassifierTrainer.Result result) throws IOException {
        List<Tensor> val = new ArrayList<>();
        float[] labels = new float[result.validation().size()];
        for (int i = 0; i < labels.length; i++) {
            LabelledFeatures e = result.validation().get(i);
            CacheFeatures f = e.features();
            val.add(new Tensor("keys." + i, new int[] {f.length(), f.headDim()}, f.keys()));
            val.add(new Tensor("values." + i, new int[] {f.length(), f.headDim()}, f.values()));
            labels[i] = e.label();
        }
        val.add(new Tensor("labels", new int[] {labels.length}, labels));
        // The features are fp16 values (CacheFeatures rounds them), so F16 stores them exactly at half the size.
        SafetensorsWriter.write(file, val, DType.F16, Map.of("pair", pair.label(),
                "backbone", backbone));
    }

    /** The classifier trained on {@code backbone} for {@code pair}; one trained on another back-bone is refused. */
    public static Saved load(Path dir, String backbone, PrecisionPair pair) throws IOException {
        Path w = weights(dir, backbone, pair);
        Path cardFile = card(dir, backbone, pair);
        Card card = FittedFiles.bind(cardFile, Card.class, "learned classifier", backbone, fitCommand(backbone)
                + " --pairs " + pair.label());
        FittedFiles.requireText(cardFile, "pair", card.pair(), pair.label());
        if (card.labelCountsTrain().size() != SwitchPoints.CLASSES) {
            throw new IOException(cardFile + ": field 'label_counts_train' is " + card.labelCountsTrain()
                    + "; expected " + SwitchPoints.CLASSES + " counts");
        }
        try (SafetensorsFile f = SafetensorsFile.open(w)) {
            Map<String, String> meta = f.metadata();
            SwitchClassifier.Layout l = new SwitchClassifier.Layout(intMeta(w, meta, "pools"),
                    intMeta(w, meta, "queries_per_pool"), intMeta(w, meta, "head_dim"));
            float[] flat = f.readFloats("params");
            double[] p = new double[flat.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = flat[i];
            }
            int[] counts = card.labelCountsTrain().stream().mapToInt(Integer::intValue).toArray();
            return new Saved(new SwitchClassifier(l, p), w, nanIfNull(card.validationAccuracy()), counts,
                    card);
        }
    }

    /** The committed held-out examples of {@code backbone} and {@code pair}. */
    public static List<LabelledFeatures> loadValidation(Path dir, String backbone, PrecisionPair pair)
            throws IOException {
        Path file = validation(dir, backbone, pair);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] labels = f.readFloats("labels");
            List<LabelledFeatures> out = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                Tensor k = f.read("keys." + i);
                Tensor v = f.read("values." + i);
                out.add(new LabelledFeatures(file.getFileName() + "#" + i,
                        new CacheFeatures(k.dim(0), k.dim(1), k.data(), v.data()), (int) labels[i]));
            }
            return out;
        }
    }

    private static int intMeta(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": metadata has no '" + key + "'; expected the classifier layout");
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata '" + key + "' is '" + v + "'; expected an integer", e);
        }
    }
}
