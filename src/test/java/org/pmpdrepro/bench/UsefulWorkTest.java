package org.pmpdrepro.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.LlamaConfig;

@Tag("unit")
class UsefulWorkTest {

    static final LlamaConfig CONFIG = new LlamaConfig(100, 8, 16, 2, 2, 1, 64, 1e-5, 10000.0, true, 1, 2);

    @Test
    void aPromptCostsItsPositionsThroughEveryLayerItsVisibleKeysAndOneHeadPerProducedToken() {
        // Block weights: q 64 + k 32 + v 32 + o 64 + gate/up/down 3 * 128 = 576.
        assertThat(UsefulWork.linearWeightsPerBlock(CONFIG)).isEqualTo(576);
        // Prompt of 3, 2 tokens produced: 4 positions fed, 1 + 2 + 3 + 4 = 10 visible keys.
        double expected = 4 * 2.0 * 2 * 576 + 10 * 2.0 * 2 * 2 * 2 * 4 + 2 * 2.0 * 8 * 100;
        assertThat(UsefulWork.flops(CONFIG, List.of(3), List.of(2))).isEqualTo(expected);
    }

    @Test
    void promptsAndTokenCountsMustPair() {
        assertThatThrownBy(() -> UsefulWork.flops(CONFIG, List.of(3, 4), List.of(2)))
                .hasMessageContaining("2 prompts but 1 token counts");
    }

    @Test
    void theHarnessOutputIsReadInPromptOrderWithItsTiming(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.tsv");
        Files.writeString(out, "0\t5,6\t1.5,0.25,3\n1\t\t0.5\ntiming\t0.1\t0.2\t7\t4\n");
        LlamaCpp.Run run = LlamaCpp.parse(out, 2);
        assertThat(run.continuations().get(0).tokens()).containsExactly(5, 6);
        assertThat(run.continuations().get(0).margins()).containsExactly(1.5f, 0.25f, 3f);
        assertThat(run.continuations().get(1).tokens()).isEmpty();
        assertThat(run.seconds()).isEqualTo(0.30000000000000004);
        assertThat(run.producedTokens()).isEqualTo(4);
        assertThatThrownBy(() -> LlamaCpp.parse(out, 3)).hasMessageContaining("2 of 3 prompts decoded");
    }
}
