package org.pmpdrepro.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.JsonBinding;

/**
 * {@code training.json} beside a trained or grown model: what the stage was made from, and the stage it started from
 * ({@code initialised_from}: the starting weights' SHA-256 and that model's own {@code training.json}, so the file
 * reads as the model's whole history). Written from and read into these records ({@link JsonBinding}), the embedded
 * history too, stage by stage: every value is kept, a number in Java's spelling ({@code 8.0E-4} for a
 * {@code 0.0008} written before).
 */
public final class TrainingRecord {

    /** The file name beside the model's weights. */
    public static final String FILE = "training.json";

    private TrainingRecord() {}

    /**
     * What one stage's {@code training.json} holds: a pre-training or a growth stage, told apart by their fields
     * (only a growth stage has {@code growth}).
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
    @JsonSubTypes({@JsonSubTypes.Type(Trained.class), @JsonSubTypes.Type(Grown.class)})
    public sealed interface History permits Trained, Grown {

        /** The stage this one started from; null for a model trained from scratch. */
        Stage initialisedFrom();
    }

    /**
     * A pre-training stage ({@code pmpd train}).
     *
     * @param trainCorpusFile a note naming where the training corpus came from, in the two oldest stages of the
     *     fixture model's history (written by hand then); absent otherwise
     */
    @JsonPropertyOrder({"train_corpus_sha256", "train_corpus_tokens", "train_corpus_documents",
        "validation_corpus_sha256", "validation_corpus_tokens", "parameters", "steps", "tokens_seen",
        "final_train_loss", "final_validation_loss", "settings", "pytorch_intra_op_threads", "oversample", "command",
        "initialised_from", "train_corpus_file"})
    public record Trained(@JsonProperty("train_corpus_sha256") String trainCorpusSha256,
            @JsonProperty("train_corpus_tokens") long trainCorpusTokens,
            @JsonProperty("train_corpus_documents") long trainCorpusDocuments,
            @JsonProperty("validation_corpus_sha256") String validationCorpusSha256,
            @JsonProperty("validation_corpus_tokens") long validationCorpusTokens, long parameters, int steps,
            @JsonProperty("tokens_seen") long tokensSeen, @JsonProperty("final_train_loss") double finalTrainLoss,
            @JsonProperty("final_validation_loss") double finalValidationLoss, TrainConfig settings,
            // Training is bit-reproducible across processes only with one PyTorch intra-op thread (README); stages
            // trained before it was recorded lack it.
            @JsonProperty("pytorch_intra_op_threads") @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonBinding.MayBeAbsent Integer pytorchIntraOpThreads,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent TrainingRun.Oversample oversample,
            String command,
            @JsonProperty("initialised_from") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            Stage initialisedFrom,
            @JsonProperty("train_corpus_file") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            String trainCorpusFile) implements History {

        /** This stage with the command that ran it and the stage it started from (null for a fresh model). */
        public Trained ranBy(String newCommand, Stage from) {
            return new Trained(trainCorpusSha256, trainCorpusTokens, trainCorpusDocuments, validationCorpusSha256,
                    validationCorpusTokens, parameters, steps, tokensSeen, finalTrainLoss, finalValidationLoss,
                    settings, pytorchIntraOpThreads, oversample, newCommand, from, trainCorpusFile);
        }
    }

    /** A growth stage ({@code pmpd grow}). */
    @JsonPropertyOrder({"growth", "command", "initialised_from"})
    public record Grown(Growth growth, String command,
            @JsonProperty("initialised_from") Stage initialisedFrom) implements History {}

    /** How a model was grown. */
    @JsonPropertyOrder({"from_parameters", "parameters", "intermediate_size", "added_layers", "seed"})
    public record Growth(@JsonProperty("from_parameters") long fromParameters, long parameters,
            @JsonProperty("intermediate_size") int intermediateSize, @JsonProperty("added_layers") int addedLayers,
            long seed) {}

    /**
     * The stage a model started from: its weights' SHA-256 and its own {@code training.json}'s history (absent for
     * a model without one).
     */
    @JsonPropertyOrder({"weights_sha256", "training"})
    public record Stage(@JsonProperty("weights_sha256") String weightsSha256,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent History training) {

        /**
         * The stage of the model in {@code dir}, whose weights are {@code weightsFile}; its {@code training.json}
         * is bound strictly (a file that is neither stage's form is refused, naming the field).
         */
        public static Stage of(Path dir, Path weightsFile) throws IOException {
            Path record = dir.resolve(FILE);
            return new Stage(Hashes.sha256Hex(weightsFile), Files.exists(record) ? read(dir) : null);
        }
    }

    /** The {@code training.json} of the model in {@code dir}: the model's whole history. */
    public static History read(Path dir) throws IOException {
        return JsonBinding.read(dir.resolve(FILE), History.class);
    }

    /** Writes {@code record} as {@code dir/training.json}, atomically. */
    public static void write(Path dir, Object record) throws IOException {
        AtomicFiles.writeText(dir.resolve(FILE), JsonBinding.write(record));
    }
}
