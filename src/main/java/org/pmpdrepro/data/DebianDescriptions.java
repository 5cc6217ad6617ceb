package org.pmpdrepro.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Debian {@code Translation-xx} lists (deb822 paragraphs of {@code Package},
 * {@code Description-md5} and {@code Description-xx}), lz4-framed as apt stores them or plain.
 */
public final class DebianDescriptions {

    private static final byte[] LZ4_FRAME_MAGIC = {0x04, 0x22, 0x4D, 0x18};
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    private DebianDescriptions() {}

    /** Reads a whole list; the compression is recognised by the lz4 frame magic, not the file name. */
    public static List<DebianDescription> read(Path file) {
        try (InputStream in = open(file);
                BufferedReader reader = new BufferedReader(new InputStreamReader(
                        in,
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            return parse(reader, file.toString());
        } catch (CharacterCodingException e) {
            throw new InputFormatException(file.toString(), 0, "not valid UTF-8: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Debian description list " + file, e);
        }
    }

    /** Opens {@code file}, decompressing it when it starts with an lz4 frame. */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(LZ4_FRAME_MAGIC.length);
        byte[] head = in.readNBytes(LZ4_FRAME_MAGIC.length);
        in.reset();
        boolean lz4 = java.util.Arrays.equals(head, LZ4_FRAME_MAGIC);
        return lz4 ? Lz4Frames.open(in, file.toString()) : in;
    }

    /**
     * Parses deb822 text. {@code sourceName} only labels error messages.
     *
     * @throws InputFormatException for a field line without a colon, a continuation line before any
     *     field, a repeated field, or a paragraph lacking Package, Description-md5 or Description-xx
     */
    public static List<DebianDescription> parse(BufferedReader reader, String sourceName) throws IOException {
        List<DebianDescription> out = new ArrayList<>();
        ParagraphBuilder current = null;
        long lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                if (current != null) {
                    out.add(current.build());
                    current = null;
                }
            } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (current == null) {
                    throw new InputFormatException(sourceName, lineNo,
                            "continuation line before any field: '" + abbreviate(line) + "'");
                }
                current.continuation(line);
            } else {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new InputFormatException(sourceName, lineNo,
                            "expected a field line 'Name: value', found '" + abbreviate(line) + "'");
                }
                if (current == null) {
                    current = new ParagraphBuilder(sourceName, lineNo);
                }
                current.field(line.substring(0, colon).strip(), line.substring(colon + 1).strip(), lineNo);
            }
        }
        if (current != null) {
            out.add(current.build());
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** Collects one deb822 paragraph; only the three fields of a Translation list are kept. */
    private static final class ParagraphBuilder {
        private final String source;
        private final long startLine;
        private final List<String> seenFields = new ArrayList<>();
        private String packageName;
        private String md5;
        private String language;
        private String synopsis;
        private final List<String> descriptionLines = new ArrayList<>();
        private boolean inDescription;

        ParagraphBuilder(String source, long startLine) {
            this.source = source;
            this.startLine = startLine;
        }

        void field(String name, String value, long lineNo) {
            String key = name.toLowerCase(java.util.Locale.ROOT);
            if (seenFields.contains(key)) {
                throw new InputFormatException(source, lineNo, "field '" + name + "' repeated in one paragraph");
            }
            seenFields.add(key);
            inDescription = false;
            if (key.equals("package")) {
                packageName = value;
            } else if (key.equals("description-md5")) {
                if (!MD5.matcher(value).matches()) {
                    throw new InputFormatException(source, lineNo,
                            "Description-md5 '" + value + "' is not 32 lowercase hex digits");
                }
                md5 = value;
            } else if (key.startsWith("description-")) {
                if (language != null) {
                    throw new InputFormatException(source, lineNo,
                            "second description field '" + name + "' (already read Description-" + language + ")");
                }
                language = key.substring("description-".length());
                synopsis = TextNormalizer.normalize(value);
                inDescription = true;
            }
        }

        void continuation(String line) {
            if (inDescription) {
                descriptionLines.add(line);
            }
        }

        DebianDescription build() {
            String missing = packageName == null ? "Package"
                    : md5 == null ? "Description-md5"
                    : language == null ? "Description-xx" : null;
            if (missing != null) {
                throw new InputFormatException(source, startLine,
                        "paragraph " + (packageName == null ? "" : "of package '" + packageName + "' ")
                                + "has no " + missing + " field");
            }
            if (packageName.isEmpty()) {
                throw new InputFormatException(source, startLine, "empty Package field");
            }
            return new DebianDescription(packageName, md5, language, synopsis, paragraphs(), startLine);
        }

        /** Splits the long description at lines holding only " ."; keeps preformatted lines apart. */
        private List<Paragraph> paragraphs() {
            List<Paragraph> out = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            boolean verbatim = false;
            for (String raw : descriptionLines) {
                String body = raw.substring(1);
                String text = TextNormalizer.normalize(body);
                // A line that is empty after normalisation (translators sometimes write " \u00A0") can
                // only have been meant as the " ." separator.
                if (body.stripTrailing().equals(".") || text.isEmpty()) {
                    flush(out, lines, verbatim);
                    lines.clear();
                    verbatim = false;
                } else {
                    verbatim |= Character.isWhitespace(body.charAt(0));
                    lines.add(text);
                }
            }
            flush(out, lines, verbatim);
            return out;
        }

        private static void flush(List<Paragraph> out, List<String> lines, boolean verbatim) {
            if (!lines.isEmpty()) {
                out.add(new Paragraph(String.join(verbatim ? "\n" : " ", lines), verbatim));
            }
        }
    }
}
