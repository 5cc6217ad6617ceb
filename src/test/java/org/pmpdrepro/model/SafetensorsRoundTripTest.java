package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private static Tensor random(String name, long seed, int... shape) {
        Random r = new Random(seed);
        float[] data = new float[Math.toIntExact(TensorInfo.elementCount(shape))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new Tensor(name, shape, data);
    }

    @Test
    @DisplayName("F32 tensors and metadata come back bit for bit, in the order written")
    void f32RoundTripIsExact() throws IOException {
        Tensor a = random("b.weight", 1, 3, 5);
        Tensor b = random("a.bias", 2, 7);
        Tensor scalar = new Tensor("scale", new int[0], new float[] {Float.MIN_VALUE});
        Path file = dir.resolve("x.safetensors");
        SafetensorsWriter.write(file, List.of(a, b, scalar), DType.F32, Map.of("format", "pt", "note", "ü"));

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.names()).containsExactly("b.weight", "a.bias", "scale");
            assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("note", "ü");
            assertThat(f.info("b.weight").dtype()).isEqualTo(DType.F32);
            assertThat(f.info("b.weight").shape()).containsExactly(3, 5);
            assertThat(f.read("b.weight").data()).containsExactly(a.data());
            assertThat(f.read("a.bias").data()).containsExactly(b.data());
            assertThat(f.read("scale").shape()).isEmpty();
            assertThat(f.readFloats("scale")).containsExactly(Float.MIN_VALUE);
        }
    }

    @Test
    @DisplayName("the header is padded with spaces so the data region starts on an 8-byte boundary")
    void headerIsPaddedToEightBytes() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        SafetensorsWriter.write(file, List.of(random("odd_name", 3, 3)));
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(headerLength % 8).isZero();
        assertThat(bytes.length).isEqualTo(8 + headerLength + 3 * 4);
        assertThat(bytes[(int) (8 + headerLength - 1)]).isIn((byte) ' ', (byte) '}');
    }

    @Test
    @DisplayName("F16 storage returns each value rounded to the nearest half")
    void f16RoundTripRoundsToNearestHalf() throws IOException {
        Tensor t = random("w", 4, 4, 6);
        Path file = dir.resolve("h.safetensors");
        SafetensorsWriter.write(file, List.of(t), DType.F16, Map.of());
        float[] back;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.info("w").dtype()).isEqualTo(DType.F16);
            assertThat(f.info("w").byteLength()).isEqualTo(4 * 6 * 2);
            back = f.readFloats("w");
        }
        for (int i = 0; i < back.length; i++) {
            assertThat(back[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(t.data()[i])));
        }
    }

    @Test
    @DisplayName("BF16 bit patterns widen to the fp32 values they denote")
    void bf16WidensKnownBitPatterns() throws IOException {
        int[] bits = {0x3F80, 0xC000, 0x4049, 0x7F80, 0xFF80, 0x0001, 0x8000, 0x7F7F};
        float[] expected = {1f, -2f, 3.140625f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x0001_0000), -0f, Float.intBitsToFloat(0x7F7F_0000)};
        Path file = RawSafetensors.write(dir.resolve("bf.safetensors"),
                "{" + RawSafetensors.entry("t", "BF16", "[2,4]", 0, 16) + "}", RawSafetensors.shorts(bits));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("t")).containsExactly(expected);
        }
    }

    @Test
    @DisplayName("BF16 storage rounds to nearest even and reads back as the rounded value")
    void bf16WriterRoundsToNearestEven() throws IOException {
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one, 1.
        float tie = 1f + 0x1p-8f;
        float above = Math.nextUp(tie);
        Path file = dir.resolve("b.safetensors");
        SafetensorsWriter.write(file, List.of(new Tensor("t", new int[] {3}, new float[] {tie, above, -3.5f})),
                DType.BF16, Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("t")).containsExactly(1f, 1f + 0x1p-7f, -3.5f);
        }
    }

    @Test
    @DisplayName("F16 storage refuses a finite value that would overflow to infinity")
    void f16OverflowIsAnError() {
        Tensor t = new Tensor("big", new int[] {2}, new float[] {1f, 70000f});
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("o.safetensors"), List.of(t), DType.F16, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'big'").hasMessageContaining("element 1").hasMessageContaining("overflows F16");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    @DisplayName("integer, boolean and F64 tensors widen to fp32")
    void otherTypesWiden() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 + 8 + 3 + 2).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(-0.25).putInt(-7).putInt(123456).put((byte) 1).put((byte) 0).put((byte) 2).put((byte) 250)
                .put((byte) -6);
        String header = "{" + RawSafetensors.entry("d", "F64", "[1]", 0, 8) + ","
                + RawSafetensors.entry("i", "I32", "[2]", 8, 16) + ","
                + RawSafetensors.entry("b", "BOOL", "[3]", 16, 19) + ","
                + RawSafetensors.entry("u", "U8", "[1]", 19, 20) + ","
                + RawSafetensors.entry("s", "I8", "[1]", 20, 21) + "}";
        Path file = RawSafetensors.write(dir.resolve("ints.safetensors"), header, data.array());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("d")).containsExactly(-0.25f);
            assertThat(f.readFloats("i")).containsExactly(-7f, 123456f);
            assertThat(f.readFloats("b")).containsExactly(1f, 0f, 1f);
            assertThat(f.readFloats("u")).containsExactly(250f);
            assertThat(f.readFloats("s")).containsExactly(-6f);
        }
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {8, 16, 24, 1 << 20})
    @DisplayName("reading in small chunks gives the same values as one read")
    void chunkedReadsMatch(int chunkBytes) throws IOException {
        Tensor t = random("w", 5, 37);
        Path f32 = dir.resolve("c32.safetensors");
        Path f16 = dir.resolve("c16.safetensors");
        SafetensorsWriter.write(f32, List.of(random("pad", 6, 3), t));
        SafetensorsWriter.write(f16, List.of(random("pad", 6, 3), t), DType.F16, Map.of());
        try (SafetensorsFile a = SafetensorsFile.open(f32, chunkBytes);
                SafetensorsFile h = SafetensorsFile.open(f16, chunkBytes);
                SafetensorsFile whole = SafetensorsFile.open(f16)) {
            assertThat(a.readFloats("w")).containsExactly(t.data());
            assertThat(h.readFloats("w")).containsExactly(whole.readFloats("w"));
            assertThat(a.readFloats("w", 10, 5)).containsExactly(java.util.Arrays.copyOfRange(t.data(), 10, 15));
        }
    }

    @Test
    @DisplayName("a file cut short after it was opened is an error naming the file and the tensor, not zeros")
    void fileTruncatedWhileOpenIsAnError() throws IOException {
        Path file = dir.resolve("t.safetensors");
        Tensor a = random("a", 4, 8);
        SafetensorsWriter.write(file, List.of(a, random("b", 4, 8)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                c.truncate(Files.size(file) - 20);
            }
            assertThat(f.readFloats("a")).containsExactly(a.data());
            assertThatThrownBy(() -> f.readFloats("b")).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'b'")
                    .hasMessageContaining("ends before the tensor's data");
        }
    }

    @Test
    @DisplayName("a zero-element tensor is stored and read back as empty")
    void emptyTensor() throws IOException {
        Path file = dir.resolve("e.safetensors");
        SafetensorsWriter.write(file, List.of(new Tensor("e", new int[] {0, 4}, new float[0]), random("x", 1, 2)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.read("e").shape()).containsExactly(0, 4);
            assertThat(f.readFloats("e")).isEmpty();
            assertThat(f.info("x").begin()).isZero();
        }
    }

    @Test
    @DisplayName("writing replaces the target atomically and leaves no temporary file behind")
    void writeIsAtomicAndClean() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(random("a", 1, 4)));
        SafetensorsWriter.write(file, List.of(random("b", 2, 4)));
        assertThat(dir.toFile().list()).containsExactly("m.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.names()).containsExactly("b");
        }
    }

    @Test
    @DisplayName("the writer refuses duplicate tensor names")
    void duplicateNamesRefused() {
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("d.safetensors"),
                        List.of(random("a", 1, 2), random("a", 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'")
                .hasMessageContaining("twice");
    }

    @Test
    void theBytesDoNotDependOnTheMetadataMapsIterationOrder() throws IOException {
        List<Tensor> tensors = List.of(new Tensor("w", new int[] {2}, new float[] {1f, -2f}));
        Map<String, String> forward = new java.util.LinkedHashMap<>();
        forward.put("method", "m");
        forward.put("base_model_sha256", "abc");
        forward.put("bit_widths", "2,3");
        Map<String, String> backward = new java.util.LinkedHashMap<>();
        backward.put("bit_widths", "2,3");
        backward.put("base_model_sha256", "abc");
        backward.put("method", "m");
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        SafetensorsWriter.write(a, tensors, DType.F32, forward);
        SafetensorsWriter.write(b, tensors, DType.F32, backward);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(new String(Files.readAllBytes(a), java.nio.charset.StandardCharsets.UTF_8))
                .contains("{\"base_model_sha256\":\"abc\",\"bit_widths\":\"2,3\",\"method\":\"m\"}");
    }

    private static List<SafetensorsWriter.Slot> slots(List<Tensor> tensors) {
        return tensors.stream().map(t -> new SafetensorsWriter.Slot(t.name(), t.shape())).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "BF16", "F16"})
    @DisplayName("tensors written in any order at their places give the bytes of the file written in order")
    void writingInAnyOrderGivesTheBytesOfWritingInOrder(String type) throws IOException {
        DType dtype = DType.valueOf(type);
        // The middle tensor spans several of the writer's 64 KiB buffers.
        List<Tensor> tensors = List.of(random("first", 1, 3, 5), random("big", 2, 211, 197), random("last", 3, 7));
        Map<String, String> meta = Map.of("format", "x", "note", "any order");
        Path inOrder = dir.resolve("in-order.safetensors");
        Path anyOrder = dir.resolve("any-order.safetensors");
        SafetensorsWriter.write(inOrder, tensors, dtype, meta);
        SafetensorsWriter.writeInAnyOrder(anyOrder, slots(tensors), dtype, meta, out -> {
            out.put(tensors.get(2));
            out.put(tensors.get(0));
            out.put(tensors.get(1));
        });
        assertThat(Files.readAllBytes(anyOrder)).isEqualTo(Files.readAllBytes(inOrder));
    }

    @Test
    @DisplayName("a filler that fails or leaves a place empty leaves the target as it was and no temporary file")
    void anIncompleteOrFailedFillLeavesTheTargetAsItWas() throws IOException {
        List<Tensor> tensors = List.of(random("a", 1, 4), random("b", 2, 4), random("c", 3, 4));
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, List.of(random("old", 9, 2)));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(),
                        out -> out.put(tensors.get(1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("2 of 3 tensors were not written (a, c)");
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(), out -> {
            out.put(tensors.get(0));
            throw new IOException("producer failed");
        })).isInstanceOf(IOException.class).hasMessage("producer failed");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(dir.toFile().list()).containsExactly("t.safetensors");
    }

    @Test
    @DisplayName("a tensor with no place, of another shape or written twice is refused by name")
    void aTensorOutsideTheLayoutIsRefused() {
        List<Tensor> tensors = List.of(random("a", 1, 2, 3));
        Path file = dir.resolve("r.safetensors");
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(),
                        out -> out.put(random("z", 1, 2, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'z' has no place");
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(),
                        out -> out.put(random("a", 1, 3, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' has shape [3, 2]")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(), out -> {
            out.put(tensors.get(0));
            out.put(tensors.get(0));
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' written twice");
        assertThatThrownBy(() -> SafetensorsWriter.writeInAnyOrder(file, slots(tensors), DType.F32, Map.of(),
                        out -> out.put(new TensorData() {
                            // a producer that does not check its own length (DeferredTensor and Tensor do)
                            @Override
                            public String name() {
                                return "a";
                            }

                            @Override
                            public int[] shape() {
                                return new int[] {2, 3};
                            }

                            @Override
                            public float[] data() {
                                return new float[5];
                            }
                        })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' gave 5 values")
                .hasMessageContaining("holds 6");
        assertThat(file).doesNotExist();
    }

    @Test
    @DisplayName("a tensor refused half-way counts as not written and leaves nothing at the next tensor's place")
    void aTensorRefusedHalfWayLeavesNoBytesBehind() throws IOException {
        Tensor a = random("a", 1, 100);
        Tensor b = random("b", 2, 100);
        float[] overflowing = a.data().clone();
        overflowing[50] = 1e6f; // beyond fp16's range: refused after 50 values went into the buffer
        Path inOrder = dir.resolve("in-order.safetensors");
        Path recovered = dir.resolve("recovered.safetensors");
        SafetensorsWriter.write(inOrder, List.of(a, b), DType.F16, Map.of());
        SafetensorsWriter.writeInAnyOrder(recovered, slots(List.of(a, b)), DType.F16, Map.of(), out -> {
            assertThatThrownBy(() -> out.put(new Tensor("a", new int[] {100}, overflowing)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
            out.put(b);
            out.put(a);
        });
        assertThat(Files.readAllBytes(recovered)).isEqualTo(Files.readAllBytes(inOrder));
    }
}
