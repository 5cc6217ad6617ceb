package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.LlamaConfig;

@Tag("unit")
class TrainerTest {

    static final LlamaConfig TINY = new LlamaConfig(32, 32, 64, 2, 4, 2, 64, 1e-5, 10000.0, true, 1, 2);

    /** A corpus with learnable structure: counting sequences modulo the vocabulary. */
    static TokenCorpus counting(int length) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = 3 + (i * 7 % 29);
        }
        return TokenCorpus.of(tokens, 1);
    }

    static TrainConfig settings(int steps) {
        return new TrainConfig(16, 8, steps, 5, 1e-2f, 0.1f, 0.01f, 1.0f, 7L, 10, 1000, 1000, 16);
    }

    @Test
    void lossFallsOnATinyConfiguration(@TempDir Path dir) throws Exception {
        TokenCorpus corpus = counting(4000);
        Trainer trainer = new Trainer(TINY, settings(40), dir.resolve("ckpt"));
        double before;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                TrainableLlama init = TrainableLlama.initialise(TINY, m.newSubManager(), 7L)) {
            before = trainer.evaluate(init, m, corpus);
        }
        Trainer.Result result = trainer.run(corpus, corpus);
        assertThat(before).isGreaterThan(3.0); // about ln(32) at initialisation
        assertThat(result.validationLoss()).isLessThan(before * 0.5);
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        TokenCorpus corpus = counting(2000);
        Trainer.Result straight = new Trainer(TINY, settings(12), dir.resolve("a")).run(corpus, corpus);

        TrainConfig firstHalf = new TrainConfig(16, 8, 12, 5, 1e-2f, 0.1f, 0.01f, 1.0f, 7L, 10, 1000, 6, 16);
        Path ckpt = dir.resolve("b");
        // Stop after the checkpoint at step 6 by running a trainer whose horizon is step 6 of the same schedule.
        new Trainer(TINY, firstHalf, ckpt).runUntil(corpus, corpus, 6);
        Trainer.Result resumed = new Trainer(TINY, settings(12), ckpt).run(corpus, corpus);

        straight.weights().forEach((name, t) ->
                assertThat(resumed.weights().get(name).data()).as(name).containsExactly(t.data()));
        try (var dirs = java.nio.file.Files.list(ckpt)) {
            assertThat(dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted())
                    .as("the newest " + Checkpoints.KEEP + " checkpoints are kept").containsExactly("step-0000006",
                            "step-0000012");
        }
    }
}
