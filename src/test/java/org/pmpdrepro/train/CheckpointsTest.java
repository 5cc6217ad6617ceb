package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class CheckpointsTest {

    record State(int step) {}

    /** One named parameter, for an optimizer to hold moments of. */
    private static final class OneParameter implements AdamW.Parameters {
        final List<NDArray> arrays = new ArrayList<>();

        OneParameter(NDArray a) {
            arrays.add(a);
        }

        @Override
        public List<String> names() {
            return List.of("w");
        }

        @Override
        public List<NDArray> arrays() {
            return arrays;
        }

        @Override
        public void replace(String name, NDArray updated) {
            arrays.set(0, updated);
        }
    }

    @Test
    void aSaveRemovesTheScratchAKilledRunLeftAndKeepsTheNewestTwoWhole(@TempDir Path root) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            OneParameter p = new OneParameter(m.create(new float[] {1f, 2f, 3f}));
            AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0f, n -> false, 0f);
            adam.init(m, p, null, 0);
            Path stale = Files.createDirectories(root.resolve("step-0000003.tmp4711"));
            Files.writeString(stale.resolve("params.safetensors"), "half a file");
            for (int step = 1; step <= 3; step++) {
                Checkpoints.save(root, step, p.names(), p.arrays(), adam, new State(step));
            }
            try (Stream<Path> dirs = Files.list(root)) {
                assertThat(dirs.map(d -> d.getFileName().toString()).sorted())
                        .containsExactly("step-0000002", "step-0000003");
            }
            try (Stream<Path> files = Files.list(root.resolve("step-0000003"))) {
                assertThat(files.map(f -> f.getFileName().toString()).sorted())
                        .containsExactly("moments.safetensors", "params.safetensors", Checkpoints.STATE);
            }
            Checkpoints.Loaded<State> loaded = Checkpoints.latest(root, m, State.class).orElseThrow();
            assertThat(loaded.state().step()).isEqualTo(3);
            assertThat(loaded.params().get("w").toFloatArray()).containsExactly(1f, 2f, 3f);
            assertThat(loaded.moments()).containsOnlyKeys("m.w", "v.w");
        }
    }
}
