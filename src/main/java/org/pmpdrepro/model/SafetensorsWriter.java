package org.pmpdrepro.model;

import org.pmpdrepro.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.io.Json;

/**
 * Writes fp32 tensors (held or deferred) as a safetensors file, stored as F32, F16 or BF16, in the order given and contiguous.
 * The header is padded with spaces to an 8-byte boundary (as the reference implementation does) so the data
 * region starts aligned. The file is written atomically.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = Json.mapper();
    private static final int BUFFER_BYTES = 1 << 16;

    private SafetensorsWriter() {}

    /**
     * Writes {@code tensors} in list order, each stored as {@code dtype}, with {@code metadata} as the header's
     * {@code __metadata__} (omitted when empty) in key order, so the bytes never depend on the map's iteration order
     * ({@code Map.of} iterates in an order that changes from one JVM run to the next).
     *
     * @throws IllegalArgumentException for a duplicate or reserved name, a type that cannot be written, or a
     *     finite value that would overflow to infinity in {@code dtype}
     */
    public static void write(Path target, List<? extends TensorData> tensors, DType dtype, Map<String, String> metadata)
            throws IOException {
        List<Slot> slots = tensors.stream().map(t -> new Slot(t.name(), t.shape())).toList();
        writeInAnyOrder(target, slots, dtype, metadata, out -> {
            for (TensorData t : tensors) {
                // Asked for once: a deferred tensor's values are read or computed here, one tensor at a time.
                out.put(t);
            }
        });
    }

    /** Writes {@code tensors} as F32 with no metadata. */
    public static void write(Path target, List<Tensor> tensors) throws IOException {
        write(target, tensors, DType.F32, Map.of());
    }

    /** The padded header of {@code slots} in list order; each slot's data offset goes to {@code offsets}. */
    private static byte[] header(List<Slot> slots, DType dtype, Map<String, String> metadata,
            Map<String, Long> offsets) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            new java.util.TreeMap<>(metadata).forEach(meta::put);
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Slot t : slots) {
            if (t.name() == null || t.name().isEmpty() || t.name().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name '" + t.name() + "' is reserved or empty");
            }
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' is listed twice; names must be unique");
            }
            long bytes = t.size() * dtype.bytes();
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", dtype.headerName());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offsets.put(t.name(), offset);
            offset += bytes;
        }
        byte[] raw = root.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(raw, (raw.length + 7) / 8 * 8);
        Arrays.fill(padded, raw.length, padded.length, (byte) ' ');
        return padded;
    }

    /** A tensor's place in a file written with {@link #writeInAnyOrder}: its name and dimensions, outermost first. */
    public record Slot(String name, int[] shape) {
        public Slot {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        long size() {
            return TensorInfo.elementCount(shape);
        }
    }

    /**
     * Takes the tensors of a file being written with {@link #writeInAnyOrder}, in any order, each once, from one
     * thread at a time. A tensor counts as written only once all its bytes are.
     */
    public interface Slots {
        void put(TensorData tensor) throws IOException;
    }

    /** Produces the tensors of a file written with {@link #writeInAnyOrder}. */
    @FunctionalInterface
    public interface Filler {
        void fill(Slots slots) throws IOException;
    }

    /**
     * Writes a file laid out with {@code slots} in list order ({@link #write} is this with the tensors given in that
     * order), taking the tensors from {@code filler} in whatever order it produces them, each written at its place as it comes
     * and then let go: a producer that finishes its tensors in another order (the Fisher pass goes from the last
     * block to the first) never holds them all. The target is replaced only when every slot was written once with
     * its shape; a filler that fails, or leaves a slot empty, leaves the target as it was.
     *
     * @throws IllegalArgumentException for a tensor not in {@code slots}, written twice, or of another shape
     * @throws IllegalStateException when the filler returns with slots not written (naming them)
     */
    public static void writeInAnyOrder(Path target, List<Slot> slots, DType dtype, Map<String, String> metadata,
            Filler filler) throws IOException {
        if (!dtype.writable()) {
            throw new IllegalArgumentException("cannot store fp32 values as " + dtype + "; expected F32, F16 or BF16");
        }
        Map<String, Long> offsets = new java.util.HashMap<>();
        byte[] header = header(slots, dtype, metadata, offsets);
        Map<String, Slot> byName = new java.util.LinkedHashMap<>();
        for (Slot s : slots) {
            byName.put(s.name(), s);
        }
        long dataStart = Long.BYTES + header.length;
        AtomicFiles.write(target, out -> {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            flush(out, buf);
            drain(out, ByteBuffer.wrap(header));
            Set<String> written = new HashSet<>();
            filler.fill(tensor -> {
                Slot slot = byName.get(tensor.name());
                if (slot == null) {
                    throw new IllegalArgumentException(target + ": tensor '" + tensor.name() + "' has no place in the"
                            + " file; expected one of its " + byName.size() + " tensors");
                }
                if (!Arrays.equals(slot.shape(), tensor.shape())) {
                    throw new IllegalArgumentException(target + ": tensor '" + tensor.name() + "' has shape "
                            + Arrays.toString(tensor.shape()) + "; its place holds " + Arrays.toString(slot.shape()));
                }
                if (written.contains(tensor.name())) {
                    throw new IllegalArgumentException(target + ": tensor '" + tensor.name() + "' written twice");
                }
                float[] data = tensor.data();
                if (data.length != slot.size()) {
                    throw new IllegalArgumentException(target + ": tensor '" + tensor.name() + "' gave " + data.length
                            + " values; its shape " + Arrays.toString(slot.shape()) + " holds " + slot.size());
                }
                // Nothing a failed tensor left in the buffer may reach the next one's place.
                buf.clear();
                long position = dataStart + offsets.get(tensor.name());
                for (int i = 0; i < data.length; i++) {
                    if (buf.remaining() < dtype.bytes()) {
                        position += flushAt(out, buf, position);
                    }
                    put(buf, dtype, tensor.name(), i, data[i]);
                }
                flushAt(out, buf, position);
                written.add(tensor.name());
            });
            if (written.size() != byName.size()) {
                List<String> missing = byName.keySet().stream().filter(n -> !written.contains(n)).toList();
                throw new IllegalStateException(target + ": " + missing.size() + " of " + byName.size()
                        + " tensors were not written (" + String.join(", ", missing.subList(0,
                                Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "")
                        + "); the file is not replaced");
            }
        });
    }

    /** Writes what {@code buf} holds at {@code position}; returns the number of bytes written. */
    private static long flushAt(FileChannel out, ByteBuffer buf, long position) throws IOException {
        buf.flip();
        long n = 0;
        while (buf.hasRemaining()) {
            n += out.write(buf, position + n);
        }
        buf.clear();
        return n;
    }

    private static void put(ByteBuffer buf, DType dtype, String name, int index, float v) {
        switch (dtype) {
            case F32 -> buf.putFloat(v);
            case F16 -> buf.putShort(checkFinite(Float.floatToFloat16(v), Float::float16ToFloat, name, index, v, dtype));
            case BF16 -> buf.putShort(checkFinite(floatToBf16(v), FloatWidening::bf16ToFloat, name, index, v, dtype));
            default -> throw new IllegalStateException("unwritable type " + dtype);
        }
    }

    private interface HalfDecoder {
        float decode(short bits);
    }

    private static short checkFinite(short bits, HalfDecoder decoder, String name, int index, float v, DType dtype) {
        if (Float.isFinite(v) && Float.isInfinite(decoder.decode(bits))) {
            throw new IllegalArgumentException("tensor '" + name + "' element " + index + " = " + v
                    + " overflows " + dtype + "; expected a value inside its finite range");
        }
        return bits;
    }

    /** Rounds fp32 to bfloat16, to nearest with ties to even, keeping NaN a NaN. */
    static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    private static void flush(FileChannel out, ByteBuffer buf) throws IOException {
        buf.flip();
        drain(out, buf);
        buf.clear();
    }

    private static void drain(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
