package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.cli.Main;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.CheckpointWriter;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames;

@Tag("unit")
class ModelGrowthTest {

    private static final int[] TOKENS = {1, 7, 19, 3, 44, 12, 30, 5, 9};

    @Test
    void aWiderAndDeeperModelGivesBitIdenticalLogits() throws Exception {
        InMemoryWeights small = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 3L);
        InMemoryWeights grown = ModelGrowth.grow(small, new ModelGrowth.Plan(48, 2, 9L));

        LlamaConfig c = grown.config();
        assertThat(c.intermediateSize()).isEqualTo(48);
        assertThat(c.numLayers()).isEqualTo(4);
        assertThat(grown.tensors()).hasSize(small.tensors().size() + 2 * 9);
        float[][] before = OracleLlama.of(small.config(), small.tensors()).logits(TOKENS);
        float[][] after = OracleLlama.of(c, grown.tensors()).logits(TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(after[t]).as("position %d", t).containsExactly(before[t]);
        }
    }

    @Test
    void insertedBlocksStartAsCopiesWithZeroResidualOutputs() throws Exception {
        InMemoryWeights small = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 4L);
        InMemoryWeights grown = ModelGrowth.grow(small, new ModelGrowth.Plan(32, 2, 9L));
        // Two blocks, two copies: block 0, copy of 0, block 1, copy of 1.
        assertThat(grown.tensors().get(WeightNames.Linear.Q.weight(1)).data())
                .containsExactly(small.tensors().get(WeightNames.Linear.Q.weight(0)).data());
        assertThat(grown.tensors().get(WeightNames.Linear.Q.weight(2)).data())
                .containsExactly(small.tensors().get(WeightNames.Linear.Q.weight(1)).data());
        for (int copy : new int[] {1, 3}) {
            for (WeightNames.Linear zero : List.of(WeightNames.Linear.O, WeightNames.Linear.DOWN)) {
                assertThat(grown.tensors().get(zero.weight(copy)).data()).containsOnly(0f);
            }
        }
    }

    @Test
    void copiesFollowTheLastBlockOfEachEqualGroup() {
        assertThat(ModelGrowth.layout(4, 2)).extracting(b -> b[0] + (b[1] == 1 ? "c" : ""))
                .containsExactly("0", "1", "1c", "2", "3", "3c");
        assertThat(ModelGrowth.layout(4, 4)).extracting(b -> b[0] + (b[1] == 1 ? "c" : ""))
                .containsExactly("0", "0c", "1", "1c", "2", "2c", "3", "3c");
        assertThat(ModelGrowth.layout(3, 0)).extracting(b -> b[0] + (b[1] == 1 ? "c" : ""))
                .containsExactly("0", "1", "2");
    }

    @Test
    void growthNeverShrinksAndAddsAtMostOneCopyPerBlock() {
        InMemoryWeights small = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 5L);
        assertThatThrownBy(() -> ModelGrowth.grow(small, new ModelGrowth.Plan(16, 0, 1L)))
                .hasMessageContaining("--intermediate 16").hasMessageContaining("intermediate_size 32");
        assertThatThrownBy(() -> ModelGrowth.grow(small, new ModelGrowth.Plan(32, 3, 1L)))
                .hasMessageContaining("--add-layers 3").hasMessageContaining("2 blocks");
    }

    @Test
    void theGrowCommandWritesALoadableModelAndRecordsWhereItCameFrom(@TempDir Path dir) throws Exception {
        InMemoryWeights small = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 6L);
        Path from = dir.resolve("from");
        CheckpointWriter.write(from, small.config(), small.tensors(), DType.F32);
        Path to = dir.resolve("to");

        int rc = Main.run("grow", "--model", from.toString(), "--out", to.toString(),
                "--intermediate", "64", "--add-layers", "1", "--seed", "7");

        assertThat(rc).isZero();
        try (CheckpointDirectory grown = CheckpointDirectory.open(to)) {
            assertThat(grown.config().intermediateSize()).isEqualTo(64);
            assertThat(grown.config().numLayers()).isEqualTo(3);
            float[][] before = OracleLlama.of(small.config(), small.tensors()).logits(TOKENS);
            float[][] after = OracleLlama.load(grown).logits(TOKENS);
            assertThat(after[TOKENS.length - 1]).containsExactly(before[TOKENS.length - 1]);
        }
        JsonNode record = new ObjectMapper().readTree(to.resolve("training.json").toFile());
        assertThat(record.at("/growth/added_layers").asInt()).isEqualTo(1);
        assertThat(record.at("/growth/parameters").asLong())
                .isEqualTo(ModelGrowth.grownConfig(small.config(), new ModelGrowth.Plan(64, 1, 7L)).parameterCount());
        assertThat(record.at("/initialised_from/weights_sha256").asText()).hasSize(64);
    }
}
