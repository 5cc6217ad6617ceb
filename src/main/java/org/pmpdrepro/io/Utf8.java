package org.pmpdrepro.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Strict UTF-8 decoding of a whole text file that says where it stops being UTF-8. The JDK's own strict decoding
 * ({@link Files#readString}) reports only "Input length = 1"; each reader turns {@link MalformedException} into its
 * own exception, naming its file.
 */
public final class Utf8 {

    private Utf8() {}

    /** The first bytes of an input that are not UTF-8; the message says where and what to do. */
    public static final class MalformedException extends IOException {

        private static final long serialVersionUID = 1L;

        private final int offset;
        private final long line;

        MalformedException(int offset, long line, int value) {
            super("not valid UTF-8 at byte offset " + offset + " (line " + line + "): byte 0x"
                    + String.format("%02X", value) + "; re-encode the file as UTF-8");
            this.offset = offset;
            this.line = line;
        }

        /** The 0-based offset of the first byte that is not UTF-8. */
        public int offset() {
            return offset;
        }

        /** The 1-based line it is on. */
        public long line() {
            return line;
        }
    }

    /** The text of {@code bytes}, refusing malformed input rather than replacing it. */
    public static String decode(byte[] bytes) throws MalformedException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            long line = 1;
            for (int k = 0; k < offset; k++) {
                if (bytes[k] == '\n') {
                    line++;
                }
            }
            throw new MalformedException(offset, line, bytes[offset] & 0xFF);
        }
        out.flip();
        return out.toString();
    }

    /** {@link #decode} of a whole file; an I/O error is the JDK's (its message names the file). */
    public static String read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }
}
