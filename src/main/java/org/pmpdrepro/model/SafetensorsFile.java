package org.pmpdrepro.model;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data. The header is parsed and validated when the file is opened; tensor data is
 * memory-mapped region by region on demand, so multi-gigabyte checkpoints never land on the heap whole.
 *
 * <p>Every element type the format defines can be read widened to fp32 (integers and fp64 by a Java cast,
 * which may round large values).
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest array the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Bytes read at a time; a multiple of every element width. */
    private static final int DEFAULT_CHUNK_BYTES = 16 << 20;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;
    private final int chunkBytes;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header, int chunkBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.chunkBytes = chunkBytes;
    }

    /** Opens and validates {@code path}; a malformed file raises a {@link CheckpointFormatException}. */
    public static SafetensorsFile open(Path path) throws IOException {
        return open(path, DEFAULT_CHUNK_BYTES);
    }

    /** As {@link #open(Path)}, reading at most {@code chunkBytes} at a time (small values exercise chunking). */
    static SafetensorsFile open(Path path, int chunkBytes) throws IOException {
        if (chunkBytes <= 0 || chunkBytes % 8 != 0) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + "; expected a positive multiple of 8");
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such safetensors file");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointFormatException(path, null, "file has " + size
                        + " bytes; expected at least the 8-byte header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerLength = prefix.getLong(0);
            SafetensorsHeader.checkLength(path, headerLength, size);
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(path, headerBytes.array(), size - dataStart);
            return new SafetensorsFile(path, channel, dataStart, header, chunkBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + dst.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + (position + dst.position()));
            }
        }
    }

    public Path path() {
        return path;
    }

    /** The header's {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(header.tensors().keySet());
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** Type, shape and byte range of a tensor; a missing name raises a {@link CheckpointFormatException}. */
    public TensorInfo info(String name) throws CheckpointFormatException {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new CheckpointFormatException(path, name, "no such tensor; the file holds "
                    + header.tensors().size() + " tensors" + sample());
        }
        return info;
    }

    private String sample() {
        List<String> names = names();
        return names.isEmpty() ? "" : " such as " + names.subList(0, Math.min(3, names.size()));
    }

    /** The whole tensor widened to fp32 (at most {@value #MAX_ARRAY} elements; larger ones read in slices). */
    public float[] readFloats(String name) throws IOException {
        TensorInfo info = info(name);
        long n = info.elementCount();
        if (n > MAX_ARRAY) {
            throw new CheckpointFormatException(path, name, "has " + n + " elements; a Java array holds at most "
                    + MAX_ARRAY + ", so read it in slices with readFloats(name, from, count)");
        }
        return readFloats(name, 0, (int) n);
    }

    /** Elements {@code [from, from + count)} of the tensor (in row-major order) widened to fp32. */
    public float[] readFloats(String name, long from, int count) throws IOException {
        TensorInfo info = info(name);
        if (from < 0 || count < 0 || from > info.elementCount() - count) {
            throw new CheckpointFormatException(path, name, "slice [" + from + ", " + (from + count)
                    + ") is outside its " + info.elementCount() + " elements");
        }
        int width = info.dtype().bytes();
        float[] out = new float[count];
        int perChunk = chunkBytes / width;
        // Read, not mapped: a mapping is released only when the collector frees its buffer, and until then the
        // pages read stay in this process's resident memory (loading a 1.1B model's weights or a quantized entry of
        // several GB kept most of the file resident beside the arrays made from it).
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(chunkBytes, (long) count * width))
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            int n = Math.min(perChunk, count - done);
            long position = dataStart + info.begin() + (from + done) * width;
            chunk.clear().limit(n * width);
            try {
                readFully(channel, chunk, position);
            } catch (EOFException e) {
                throw new CheckpointFormatException(path, name, "the file ends before the tensor's data does ("
                        + e.getMessage() + "); was it truncated after it was opened?");
            }
            chunk.flip();
            FloatWidening.widen(info.dtype(), chunk, out, done, n);
            done += n;
        }
        return out;
    }

    /** The tensor as an fp32 {@link Tensor} named as in the file. */
    public Tensor read(String name) throws IOException {
        return new Tensor(name, info(name).shape(), readFloats(name));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }
}
