package org.pmpdrepro.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.pmpdrepro.io.TextDocuments;

/**
 * Documents read lazily from files, one after another: a {@code .jsonl} file holds one JSON object per line
 * with a string field {@code text}; any other file is UTF-8 text with one document per line. Blank lines are
 * skipped. Each iteration reads the files again, so a corpus can be streamed more than once.
 */
public record TextCorpus(List<Path> files) implements Iterable<String> {


    public TextCorpus {
        files = List.copyOf(files);
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private int fileIndex = -1;
            private BufferedReader reader;
            private long lineNumber;
            private String next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        if (reader == null) {
                            if (++fileIndex >= files.size()) {
                                return false;
                            }
                            reader = Files.newBufferedReader(files.get(fileIndex), StandardCharsets.UTF_8);
                            lineNumber = 0;
                        }
                        lineNumber++;
                        String line = reader.readLine();
                        if (line == null) {
                            reader.close();
                            reader = null;
                        } else if (!line.isBlank()) {
                            next = document(files.get(fileIndex), line, lineNumber);
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(files.get(fileIndex) + ":" + lineNumber + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String out = next;
                next = null;
                return out;
            }
        };
    }

    private static String document(Path file, String line, long lineNumber) {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            return line;
        }
        try {
            return TextDocuments.parse(line, file, lineNumber).text();
        } catch (IOException e) {
            // Already names the file and line.
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
