package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/** The committed fixture model: the DJL decoder against the plain-Java oracle on real task prompts. */
@Tag("unit")
class FixtureModelDecodingTest {

    static final Path MODEL = Path.of("fixtures", "model");
    static CheckpointDirectory checkpoint;
    static ProjectTokenizer tokenizer;
    static OracleLlama oracle;
    static DjlLlama model;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = CheckpointDirectory.open(MODEL);
        checkpoint.validate();
        tokenizer = ProjectTokenizer.load(MODEL);
        oracle = OracleLlama.load(checkpoint);
        model = DjlLlama.dense(checkpoint, Device.cpu());
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
        tokenizer.close();
        checkpoint.close();
    }

    /** {@code <s>} + prompt, as the model was trained and as every ablation decodes. */
    static List<int[]> prompts(Task task, int count) {
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
    void logitsOnATaskPromptMatchTheOracleWithinRelativeTolerance() {
        int[] prompt = prompts(Task.DEBSUM, 1).get(0);
        double worst = OracleAgreement.worstRelativeError(model.logits(prompt, Precision.FULL),
                oracle.logits(prompt));
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void batchedGreedyDecodingOfEveryTaskMatchesTheOracleTokenForToken() {
        for (Task task : Task.values()) {
            List<int[]> prompts = prompts(task, 4);
            DecodeResult djl = new GreedyDecoder(model, 4, tokenizer.padId()).generate(prompts, task.maxNewTokens(),
                    tokenizer.eosId(), PrecisionPlan.fixed(Precision.FULL));
            for (int i = 0; i < prompts.size(); i++) {
                int[] expected = oracle.greedy(prompts.get(i), task.maxNewTokens(), tokenizer.eosId());
                assertThat(djl.generations().get(i).tokens()).as(task.id() + " prompt " + i)
                        .containsExactly(OracleAgreement.withoutEos(expected, tokenizer.eosId()));
            }
        }
    }
}
