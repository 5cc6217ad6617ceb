package org.pmpdrepro.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Decompression of LZ4 frames as the {@code lz4} tool and apt write them (linked blocks, content checksums,
 * concatenated and skippable frames), by commons-compress; a decoding error names the file it came from.
 */
final class Lz4Frames {

    private Lz4Frames() {}

    /** The decompressed content of every frame in {@code in}; {@code name} labels errors. */
    static InputStream open(InputStream in, String name) throws IOException {
        try {
            return new Named(new FramedLZ4CompressorInputStream(in, true), name);
        } catch (IOException e) {
            throw new IOException(name + ": not an LZ4 frame: " + e.getMessage(), e);
        }
    }

    /** Prefixes every read error with the file's name. */
    private static final class Named extends FilterInputStream {
        private final String name;

        Named(InputStream in, String name) {
            super(in);
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            return new IOException(name + ": corrupt or truncated LZ4 frame: " + e.getMessage(), e);
        }
    }
}
