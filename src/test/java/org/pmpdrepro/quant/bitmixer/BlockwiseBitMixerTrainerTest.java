package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;

/** Block-by-block fine-tuning on a tiny random model: the same measure as end to end, deterministic, resumable. */
@Tag("unit")
class BlockwiseBitMixerTrainerTest {

    private static final List<int[]> DOCS = TinyBitMixer.documents(30, 3L);

    @Test
    @DisplayName("the loss before fine-tuning, carried block by block, is the end-to-end run's loss at each width")
    void theLossBeforeIsTheEndToEndMeasure(@TempDir Path dir) throws Exception {
        BitMixerSettings s = BitMixerTrainerTest.settings(4, 2);
        BitMixerTrainer.Result blockwise = new BlockwiseBitMixerTrainer(s, dir.resolve("blocks"))
                .run(TinyBitMixer.base(), DOCS);
        BitMixerTrainer.Result endToEnd = new BitMixerTrainer(s, dir.resolve("e2e")).runUntil(TinyBitMixer.base(),
                DOCS, 1);
        assertThat(blockwise.initialLoss().keySet()).containsExactlyElementsOf(TinyBitMixer.WIDTHS);
        blockwise.initialLoss().forEach((b, loss) -> assertThat(loss).as("%d bits", b)
                .isCloseTo(endToEnd.initialLoss().get(b), within(1e-5 * loss)));
        assertThat(blockwise.finalLoss().keySet()).containsExactlyElementsOf(TinyBitMixer.WIDTHS);
        assertThat(blockwise.finalLoss().values()).allMatch(Double::isFinite);
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights, and a run stopped after a block and resumed equals an"
            + " uninterrupted one")
    void deterministicAndResumable(@TempDir Path dir) throws Exception {
        BitMixerSettings s = BitMixerTrainerTest.settings(5, 2);
        BitMixerTrainer.Result first = new BlockwiseBitMixerTrainer(s, dir.resolve("a")).run(TinyBitMixer.base(),
                DOCS);
        BitMixerTrainer.Result again = new BlockwiseBitMixerTrainer(s, dir.resolve("b")).run(TinyBitMixer.base(),
                DOCS);
        assertThat(new BlockwiseBitMixerTrainer(s, dir.resolve("c")).runBlocks(TinyBitMixer.base(), DOCS, 1))
                .isNull();
        assertThat(dir.resolve("c/blocks/block-0000.safetensors")).isRegularFile();
        assertThat(Files.exists(dir.resolve("c/blocks/block-0001.safetensors"))).isFalse();
        BitMixerTrainer.Result resumed = new BlockwiseBitMixerTrainer(s, dir.resolve("c"))
                .run(TinyBitMixer.base(), DOCS);

        BitMixerTrainerTest.assertIdentical(again.weights(), first.weights());
        BitMixerTrainerTest.assertIdentical(resumed.weights(), first.weights());
        assertThat(resumed.log()).isEqualTo(first.log());
        assertThat(resumed.initialLoss()).isEqualTo(first.initialLoss());
        assertThat(resumed.finalLoss()).isEqualTo(first.finalLoss());
        // Every step of every block is logged (log every step here), numbered across blocks.
        assertThat(first.log()).hasSize(5 * TinyBitMixer.CONFIG.numLayers());
        assertThat(first.log().get(5).bits()).startsWith("block 1 ");
        BitMixerWeights start = BitMixerWeights.initial(TinyBitMixer.base(), TinyBitMixer.WIDTHS);
        for (int l = 0; l < TinyBitMixer.CONFIG.numLayers(); l++) {
            LinearId id = new LinearId(l, Linear.DOWN);
            assertThat(first.weights().latent(id).data()).as("block %d was fine-tuned", l)
                    .isNotEqualTo(start.latent(id).data());
        }
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused(@TempDir Path dir) throws Exception {
        new BlockwiseBitMixerTrainer(BitMixerTrainerTest.settings(4, 2), dir).runBlocks(TinyBitMixer.base(), DOCS, 1);
        assertThatThrownBy(() -> new BlockwiseBitMixerTrainer(BitMixerTrainerTest.settings(5, 2), dir)
                .run(TinyBitMixer.base(), DOCS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another run")
                .hasMessageContaining("--work");
    }
}
