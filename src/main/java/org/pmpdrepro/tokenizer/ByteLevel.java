package org.pmpdrepro.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Hugging Face {@code tokenizers} library does to text before its BPE model sees it, for a
 * tokenizer.json with an NFKC normalizer and a {@code ByteLevel} pre-tokenizer ({@code use_regex: true},
 * {@code add_prefix_space: false}): NFKC, the GPT-2 split regex, then each piece's UTF-8 bytes written as
 * GPT-2's printable stand-in characters.
 *
 * <p>Training and the reference encoder both go through here so that merges learned in Java apply exactly as
 * the native library applies them at inference time.
 */
public final class ByteLevel {

    /**
     * The GPT-2 split regex. {@code UNICODE_CHARACTER_CLASS} makes Java's {@code \s} the Unicode White_Space set,
     * as Oniguruma's {@code \s} is for UTF-8 text; without it Java would only treat ASCII blanks as space.
     */
    private static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Stand-in character for each byte value (GPT-2's bytes_to_unicode table). */
    private static final char[] BYTE_TO_CHAR = new char[256];

    /** Inverse of {@link #BYTE_TO_CHAR}; -1 for characters that stand for no byte. */
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            // Printable Latin-1 bytes stand for themselves; the rest are shifted past U+00FF in byte order.
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** NFKC, as the tokenizer.json {@code normalizer} applies it. */
    public static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    /** Splits already-normalised text into the pieces the GPT-2 regex matches, in order. */
    public static List<String> split(String normalized) {
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(normalized);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }

    /** Normalises, splits and maps to byte-level symbols: the words the BPE model receives. */
    public static List<String> preTokenize(String text) {
        List<String> pieces = split(normalize(text));
        List<String> words = new ArrayList<>(pieces.size());
        for (String piece : pieces) {
            words.add(toSymbols(piece.getBytes(StandardCharsets.UTF_8)));
        }
        return words;
    }

    /** The stand-in character of one byte (0–255). */
    public static char symbol(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** Writes bytes as stand-in characters, one character per byte. */
    public static String toSymbols(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The bytes a string of stand-in characters spells; rejects characters that stand for no byte. */
    public static byte[] toBytes(String symbols) {
        byte[] out = new byte[symbols.length()];
        for (int i = 0; i < out.length; i++) {
            char c = symbols.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("character U+%04X at index %d of '%s' is not a byte-level symbol"
                        .formatted((int) c, i, symbols));
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
