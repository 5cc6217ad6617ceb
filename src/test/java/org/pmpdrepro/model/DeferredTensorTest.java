package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class DeferredTensorTest {

    @Test
    void valuesAreAskedForOnlyWhenReadAndCheckedAgainstTheShape() {
        AtomicInteger calls = new AtomicInteger();
        DeferredTensor t = new DeferredTensor("w", new int[] {2, 3}, () -> {
            calls.incrementAndGet();
            return new float[] {1, 2, 3, 4, 5, 6};
        });
        assertThat(t.size()).isEqualTo(6);
        assertThat(calls).hasValue(0);
        assertThat(t.load().data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(calls).hasValue(1);
        DeferredTensor wrong = new DeferredTensor("w", new int[] {2, 2}, () -> new float[3]);
        assertThatThrownBy(wrong::data).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'w'").hasMessageContaining("holds 4 values but 3 were supplied");
    }

    @Test
    void aFileWrittenFromDeferredTensorsEqualsOneWrittenFromHeldTensors(@TempDir Path dir) throws IOException {
        Tensor a = new Tensor("a", new int[] {2, 2}, new float[] {1, -2, 3.5f, 0});
        Tensor b = new Tensor("b", new int[] {3}, new float[] {7, 8, 9});
        Path held = dir.resolve("held.safetensors");
        Path deferred = dir.resolve("deferred.safetensors");
        SafetensorsWriter.write(held, List.of(a, b), DType.F32, Map.of("k", "v"));
        SafetensorsWriter.write(deferred, List.of(new DeferredTensor("a", a.shape(), a::data),
                new DeferredTensor("b", b.shape(), b::data)), DType.F32, Map.of("k", "v"));
        assertThat(deferred).hasSameBinaryContentAs(held);
    }
}
