package org.pmpdrepro.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decompresses the LZ4 frame format, including linked (dependent) blocks, which is what the
 * {@code lz4} tool and apt write and what lz4-java's own frame stream rejects. Checksums present in
 * the frame are verified; concatenated and skippable frames are handled.
 */
final class Lz4FrameInputStream extends InputStream {

    static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    /** Matches reach back at most 64 KiB, so linked blocks need that much of the previous output. */
    private static final int WINDOW = 64 * 1024;

    private final InputStream in;
    private final String name;
    private final XXHashFactory xxhash = XXHashFactory.safeInstance();

    private byte[] out = new byte[0];
    private byte[] compressed = new byte[0];
    private int pos;
    private int limit;
    private boolean inFrame;
    private boolean eof;
    // per-frame flags
    private boolean independent;
    private boolean blockChecksum;
    private boolean contentChecksum;
    private long contentSize = -1;
    private int blockMax;
    private long produced;
    private StreamingXXHash32 contentHash;

    Lz4FrameInputStream(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos == limit) {
            if (eof || !fill()) {
                eof = true;
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(out, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Decodes the next block; false at the end of the input. */
    private boolean fill() throws IOException {
        if (!inFrame && !startFrame()) {
            return false;
        }
        int size = readIntLE();
        if (size == 0) {
            endFrame();
            return true;
        }
        boolean raw = (size & 0x80000000) != 0;
        size &= 0x7FFFFFFF;
        if (size > blockMax) {
            throw corrupt("block of " + size + " bytes exceeds the frame's maximum " + blockMax);
        }
        if (compressed.length < size) {
            compressed = new byte[size];
        }
        readFully(compressed, size);
        if (blockChecksum) {
            int expected = readIntLE();
            int actual = xxhash.hash32().hash(compressed, 0, size, 0);
            if (expected != actual) {
                throw corrupt("block checksum mismatch");
            }
        }
        int start = 0;
        if (!independent) {
            int keep = Math.min(WINDOW, limit);
            System.arraycopy(out, limit - keep, out, 0, keep);
            start = keep;
        }
        int end;
        if (raw) {
            System.arraycopy(compressed, 0, out, start, size);
            end = start + size;
        } else {
            end = decodeBlock(compressed, size, out, start, start + blockMax);
        }
        if (contentHash != null) {
            contentHash.update(out, start, end - start);
        }
        produced += end - start;
        pos = start;
        limit = end;
        return true;
    }

    private boolean startFrame() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return false; // a clean end between frames
            }
            int magic = first | (readByte() << 8) | (readByte() << 16) | (readByte() << 24);
            if ((magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC) {
                long skip = readIntLE() & 0xFFFFFFFFL;
                try {
                    in.skipNBytes(skip);
                } catch (EOFException e) {
                    throw corrupt("truncated skippable frame");
                }
                continue;
            }
            if (magic != MAGIC) {
                throw corrupt(String.format("expected the LZ4 frame magic 0x%08X, found 0x%08X", MAGIC, magic));
            }
            break;
        }
        int flg = readByte();
        int bd = readByte();
        if ((flg >>> 6) != 1) {
            throw corrupt("unsupported LZ4 frame version " + (flg >>> 6));
        }
        independent = (flg & 0x20) != 0;
        blockChecksum = (flg & 0x10) != 0;
        boolean hasSize = (flg & 0x08) != 0;
        contentChecksum = (flg & 0x04) != 0;
        boolean hasDict = (flg & 0x01) != 0;
        int sizeCode = (bd >>> 4) & 0x7;
        if (sizeCode < 4) {
            throw corrupt("invalid block maximum size code " + sizeCode);
        }
        blockMax = 1 << (8 + 2 * sizeCode);
        StreamingXXHash32 headerHash = xxhash.newStreamingHash32(0);
        headerHash.update(new byte[] {(byte) flg, (byte) bd}, 0, 2);
        contentSize = -1;
        if (hasSize) {
            byte[] b = new byte[8];
            readFully(b, 8);
            headerHash.update(b, 0, 8);
            contentSize = 0;
            for (int i = 7; i >= 0; i--) {
                contentSize = (contentSize << 8) | (b[i] & 0xFF);
            }
        }
        if (hasDict) {
            throw corrupt("frames with an external dictionary are not supported");
        }
        int hc = readByte();
        if (hc != ((headerHash.getValue() >>> 8) & 0xFF)) {
            throw corrupt("frame header checksum mismatch");
        }
        int capacity = (independent ? 0 : WINDOW) + blockMax;
        if (out.length < capacity) {
            out = new byte[capacity];
        }
        pos = 0;
        limit = 0;
        produced = 0;
        contentHash = contentChecksum ? xxhash.newStreamingHash32(0) : null;
        inFrame = true;
        return true;
    }

    private void endFrame() throws IOException {
        if (contentChecksum && readIntLE() != contentHash.getValue()) {
            throw corrupt("content checksum mismatch");
        }
        if (contentSize >= 0 && contentSize != produced) {
            throw corrupt("frame declares " + contentSize + " bytes, decoded " + produced);
        }
        inFrame = false;
        pos = limit;
    }

    /** Decodes one LZ4 block into {@code dst[start..)}; matches may reach into the prefix before start. */
    private int decodeBlock(byte[] src, int srcLen, byte[] dst, int start, int dstLimit) throws IOException {
        int lowest = independent ? start : 0;
        int ip = 0;
        int op = start;
        while (true) {
            if (ip >= srcLen) {
                throw corrupt("block ends inside a sequence");
            }
            int token = src[ip++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (ip >= srcLen) {
                        throw corrupt("block ends inside a literal length");
                    }
                    b = src[ip++] & 0xFF;
                    literals += b;
                } while (b == 255);
            }
            if (literals > srcLen - ip || literals > dstLimit - op) {
                throw corrupt("literal run of " + literals + " bytes overruns the block");
            }
            System.arraycopy(src, ip, dst, op, literals);
            ip += literals;
            op += literals;
            if (ip == srcLen) {
                return op; // the last sequence has literals only
            }
            if (srcLen - ip < 2) {
                throw corrupt("block ends inside a match offset");
            }
            int offset = (src[ip] & 0xFF) | ((src[ip + 1] & 0xFF) << 8);
            ip += 2;
            if (offset == 0 || offset > op - lowest) {
                throw corrupt("match offset " + offset + " points before the available window");
            }
            int match = token & 15;
            if (match == 15) {
                int b;
                do {
                    if (ip >= srcLen) {
                        throw corrupt("block ends inside a match length");
                    }
                    b = src[ip++] & 0xFF;
                    match += b;
                } while (b == 255);
            }
            match += 4;
            if (match > dstLimit - op) {
                throw corrupt("match of " + match + " bytes overruns the block");
            }
            int from = op - offset;
            if (offset >= match) {
                System.arraycopy(dst, from, dst, op, match);
                op += match;
            } else {
                for (int i = 0; i < match; i++) {
                    dst[op++] = dst[from++]; // overlapping copy repeats the last `offset` bytes
                }
            }
        }
    }

    private int readIntLE() throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        if ((b0 | b1 | b2 | b3) < 0) {
            throw corrupt("truncated input");
        }
        return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw corrupt("truncated input");
        }
        return b;
    }

    private void readFully(byte[] b, int n) throws IOException {
        if (in.readNBytes(b, 0, n) != n) {
            throw corrupt("truncated block");
        }
    }

    private IOException corrupt(String what) {
        return new IOException(name + ": corrupt LZ4 frame: " + what);
    }
}
