package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.ModelIdentity;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * The committed fine-tuned Bit-Mixer weights of the fixture model ({@code fixtures/quant/bitmixer}): they belong to
 * the committed model and calibration text, and their calibration perplexity behaves as the method claims.
 */
@Tag("unit")
class CommittedBitMixerTest {

    static final Path MODEL = Path.of("fixtures", "model");
    static final Path ARTEFACT = Path.of("fixtures", "quant", "bitmixer");
    static final Path CALIBRATION = Path.of("fixtures", "tasks", "calibration-text.jsonl");
    /** A fixed prefix of the calibration documents, enough tokens for stable perplexities at test-time cost. */
    static final int DOCUMENTS = 48;

    static CheckpointDirectory checkpoint;
    static BitMixerWeights weights;
    static List<int[]> sequences;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = CheckpointDirectory.open(MODEL);
        String modelSha = ModelIdentity.of(MODEL, List.of(CheckpointDirectory.CONFIG, CheckpointDirectory.SINGLE))
                .sha256();
        weights = BitMixerArtefact.read(ARTEFACT, checkpoint.config(), modelSha);
        try (ProjectTokenizer tokenizer = ProjectTokenizer.load(MODEL)) {
            sequences = FineTuningText.load(CALIBRATION, tokenizer, checkpoint.config().maxPositionEmbeddings())
                    .subList(0, DOCUMENTS);
        }
    }

    @AfterAll
    static void close() throws Exception {
        checkpoint.close();
    }

    static Map<String, Double> perplexities(QuantizedModel model, List<Precision> precisions) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (DjlLlama llama = DjlLlama.withProvider(checkpoint.config(), DjlLlama.reading(checkpoint), Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, model))) {
            for (Precision p : precisions) {
                out.put(p.label(), Perplexity.of(llama, sequences, p, 8).perplexity());
            }
        }
        return out;
    }

    @Test
    @DisplayName("the manifest names the committed calibration text and the weights it describes")
    void manifestMatchesItsInputs() throws Exception {
        assertThat(BitMixerArtefact.manifest(ARTEFACT).calibrationSha256())
                .isEqualTo(Hashes.sha256Hex(CALIBRATION));
        assertThat(weights.bitWidths()).containsExactly(2, 3, 4, 5);
    }

    @Test
    @DisplayName("fine-tuned calibration perplexity is monotone in bits: 5 <= bit-mixer-4 <= 4 <= bit-mixer-3 <= 3"
            + " <= bit-mixer-2 <= 2")
    void fineTunedPerplexityIsMonotoneInBits() {
        BitMixerModel model = BitMixerModel.of(weights);
        List<Precision> chain = new java.util.ArrayList<>();
        for (int b = 4; b >= 2; b--) {
            chain.add(Precision.bits(b + 1));
            chain.add(model.policies().get("bit-mixer-" + b).precision(checkpoint.config()));
        }
        chain.add(Precision.bits(2));
        Map<String, Double> ppl = perplexities(model, chain);
        System.out.println("fine-tuned bit-mixer calibration perplexity (first " + DOCUMENTS + " documents): " + ppl);
        List<Double> values = List.copyOf(ppl.values());
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i)).as(chain.get(i).label() + " against " + chain.get(i - 1).label())
                    .isGreaterThanOrEqualTo(values.get(i - 1));
        }
    }

    @Test
    @DisplayName("each policy bit-mixer-<b> reads at most Any-Precision's bytes at b bits, and within 3% of them")
    void eachPolicyReadsAnyPrecisionsBytesAtItsNominalWidth() {
        BitMixerModel model = BitMixerModel.of(weights);
        for (int b = 2; b <= 4; b++) {
            String name = "bit-mixer-" + b;
            long reference = org.pmpdrepro.quant.EqualBytes.anyPrecisionBytes(checkpoint.config(), b);
            long bytes = model.policyMemory(java.util.Set.of(name)).orElseThrow().bytesReadPerToken(name);
            assertThat(bytes).as(name).isLessThanOrEqualTo(reference)
                    .isGreaterThanOrEqualTo((long) Math.ceil(reference * (1 - org.pmpdrepro.quant.EqualBytes.TOLERANCE)));
        }
    }

    /**
     * Full precision is the base model, which was not fine-tuned; against the fine-tuned widths it is no bound on
     * the text they were tuned on (see the README), so the full-precision end of the chain is checked where both
     * share the base weights: the starting point of fine-tuning.
     */
    @Test
    @DisplayName("before fine-tuning, quantization alone is monotone (full <= 4 <= 3 <= 2), and fine-tuning lowers"
            + " 2-bit calibration perplexity below that starting point")
    void startIsMonotoneAndFineTuningHelpsAtTwoBits() throws Exception {
        Map<String, Double> start = perplexities(BitMixerModel.of(BitMixerWeights.initial(checkpoint,
                weights.bitWidths())), List.of(Precision.FULL, Precision.bits(4), Precision.bits(3), Precision.bits(2)));
        Map<String, Double> tuned = perplexities(BitMixerModel.of(weights), List.of(Precision.bits(2)));
        System.out.println("bit-mixer calibration perplexity before fine-tuning " + start + ", fine-tuned " + tuned);
        assertThat(start.get("full")).isLessThanOrEqualTo(start.get("4bit"));
        assertThat(start.get("4bit")).isLessThanOrEqualTo(start.get("3bit"));
        assertThat(start.get("3bit")).isLessThanOrEqualTo(start.get("2bit"));
        assertThat(tuned.get("2bit")).isLessThan(start.get("2bit"));
    }
}
