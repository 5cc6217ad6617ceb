package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * The committed fixture model decoded by DJL on one device against the plain-Java oracle, on real task prompts: the
 * logits within a relative tolerance and batched greedy decoding token for token. A subclass names the device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FixtureModelOracleChecks {

    static final Path MODEL = Path.of("fixtures", "model");
    /** The tolerance {@code oracle-check} holds a device to by default. */
    static final double TOLERANCE = 1e-4;

    CheckpointDirectory checkpoint;
    ProjectTokenizer tokenizer;
    OracleLlama oracle;
    DjlLlama model;

    /** Where the DJL model runs; may fail the class, saying why, when the device is not there. */
    abstract Device device();

    @BeforeAll
    void load() throws Exception {
        Device device = device();
        checkpoint = CheckpointDirectory.open(MODEL);
        checkpoint.validate();
        tokenizer = ProjectTokenizer.load(MODEL);
        oracle = OracleLlama.load(checkpoint);
        model = DjlLlama.dense(checkpoint, device);
    }

    @AfterAll
    void close() throws Exception {
        if (model != null) {
            model.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    /** {@code <s>} + prompt, as the model was trained and as every ablation decodes. */
    List<int[]> prompts(Task task, int count) {
        List<int[]> out = new ArrayList<>();
        for (TaskExample e : TaskFixtures.load(TaskFixtures.DEFAULT_DIR, task, Split.TEST).subList(0, count)) {
            int[] ids = tokenizer.encode(e.prompt());
            int[] withBos = new int[ids.length + 1];
            withBos[0] = tokenizer.bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            out.add(withBos);
        }
        return out;
    }

    @Test
    void logitsOnEveryTasksFirstPromptMatchTheOracleWithinRelativeTolerance() {
        for (Task task : Task.values()) {
            int[] prompt = prompts(task, 1).get(0);
            double worst = OracleAgreement.worstRelativeError(model.logits(prompt, Precision.FULL),
                    oracle.logits(prompt));
            assertThat(worst).as(task.id() + " on " + model.device()).isLessThan(TOLERANCE);
        }
    }

    @Test
    void batchedGreedyDecodingOfEveryTaskMatchesTheOracleTokenForToken() {
        for (Task task : Task.values()) {
            List<int[]> prompts = prompts(task, 4);
            DecodeResult djl = new GreedyDecoder(model, 4, tokenizer.padId()).generate(prompts, task.maxNewTokens(),
                    tokenizer.eosId(), PrecisionPlan.fixed(Precision.FULL));
            for (int i = 0; i < prompts.size(); i++) {
                int[] expected = oracle.greedy(prompts.get(i), task.maxNewTokens(), tokenizer.eosId());
                assertThat(djl.generations().get(i).tokens()).as(task.id() + " prompt " + i + " on " + model.device())
                        .containsExactly(OracleAgreement.withoutEos(expected, tokenizer.eosId()));
            }
        }
    }
}
