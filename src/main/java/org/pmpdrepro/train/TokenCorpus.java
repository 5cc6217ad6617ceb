package org.pmpdrepro.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.TextDocuments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tokenized text corpus: every document as {@code <bos> tokens <eos>}, concatenated, from which training draws
 * fixed-length windows.
 */
final class TokenCorpus {

    private static final Logger LOG = LoggerFactory.getLogger(TokenCorpus.class);

    private final int[] tokens;
    private final int documents;

    private TokenCorpus(int[] tokens, int documents) {
        this.tokens = tokens;
        this.documents = documents;
    }

    /** A corpus over already tokenized text (tests, small experiments). */
    static TokenCorpus of(int[] tokens, int documents) {
        return new TokenCorpus(tokens.clone(), documents);
    }

    int size() {
        return tokens.length;
    }

    int documents() {
        return documents;
    }

    /** The token stream itself (a copy), for tests that check which documents it holds. */
    int[] tokensForTest() {
        return tokens.clone();
    }

    /**
     * Reads a JSONL file of {@code {"text": ...}} documents and tokenizes it, caching the result beside
     * {@code cache} (reused only while the source's hash, recorded in the cache's name, is unchanged).
     */
    static TokenCorpus load(Path jsonl, Function<List<String>, List<int[]>> encodeBatch, int bos, int eos,
            Path cacheDir) throws IOException {
        String hash = Hashes.sha256Hex(jsonl).substring(0, 16);
        Path cache = cacheDir.resolve(jsonl.getFileName() + "." + hash + ".tokens");
        if (Files.exists(cache)) {
            int[] tokens = readInts(cache);
            int docs = 0;
            for (int t : tokens) {
                docs += t == bos ? 1 : 0;
            }
            LOG.info("corpus {}: {} tokens, {} documents (cached tokens {})", jsonl.getFileName(), tokens.length, docs,
                    cache.getFileName());
            return new TokenCorpus(tokens, docs);
        }
        List<String> batch = new ArrayList<>();
        IntBuffer out = new IntBuffer();
        int[] docs = {0};
        forEachText(jsonl, text -> {
            batch.add(text);
            if (batch.size() == 1024) {
                docs[0] += flush(batch, encodeBatch, bos, eos, out);
            }
        });
        docs[0] += flush(batch, encodeBatch, bos, eos, out);
        int[] tokens = out.toArray();
        Files.createDirectories(cacheDir);
        writeInts(cache, tokens);
        LOG.info("corpus {}: {} tokens, {} documents", jsonl.getFileName(), tokens.length, docs[0]);
        return new TokenCorpus(tokens, docs[0]);
    }

    /** Each non-blank line's {@code text} field, in order; a malformed line is an error naming file and line. */
    private static void forEachText(Path jsonl, java.util.function.Consumer<String> sink) throws IOException {
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                sink.accept(TextDocuments.parse(line, jsonl, lineNo).text());
            }
        }
    }

    /**
     * This corpus with every document whose text (in {@code jsonl}, the file it was loaded from) contains
     * {@code marker} present {@code factor} times: the original order stays, the extra copies follow it in an
     * order shuffled by {@code seed}, so no window sees a document next to its own copy more often than chance.
     * Used to give a task format more weight in a later training stage without building another corpus file.
     */
    TokenCorpus oversample(Path jsonl, String marker, int factor, long seed, int bos) throws IOException {
        if (factor < 1 || marker.isEmpty()) {
            throw new IllegalArgumentException("oversampling '" + marker + "' x" + factor
                    + ": expected a non-empty marker and a factor of at least 1");
        }
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == bos) {
                starts.add(i);
            }
        }
        List<Integer> matching = new ArrayList<>();
        int[] counted = {0};
        forEachText(jsonl, text -> {
            if (text.contains(marker)) {
                matching.add(counted[0]);
            }
            counted[0]++;
        });
        int doc = counted[0];
        if (doc != starts.size()) {
            throw new IOException(jsonl + ": " + doc + " documents but " + starts.size()
                    + " begin-of-sequence tokens in its token cache; delete the cache and retry");
        }
        int[] copies = new int[matching.size() * (factor - 1)];
        for (int c = 0; c < copies.length; c++) {
            copies[c] = matching.get(c % matching.size());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = copies.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = copies[i];
            copies[i] = copies[j];
            copies[j] = t;
        }
        IntBuffer out = new IntBuffer();
        for (int t : tokens) {
            out.add(t);
        }
        for (int d : copies) {
            int end = d + 1 < starts.size() ? starts.get(d + 1) : tokens.length;
            for (int i = starts.get(d); i < end; i++) {
                out.add(tokens[i]);
            }
        }
        LOG.info("corpus {}: {} documents contain '{}'; x{} gives {} tokens", jsonl.getFileName(), matching.size(),
                marker.replace("\n", "\\n"), factor, out.size);
        return new TokenCorpus(out.toArray(), documents + copies.length);
    }

    private static int flush(List<String> batch, Function<List<String>, List<int[]>> encodeBatch, int bos, int eos,
            IntBuffer out) {
        int n = batch.size();
        for (int[] ids : encodeBatch.apply(batch)) {
            out.add(bos);
            for (int id : ids) {
                out.add(id);
            }
            out.add(eos);
        }
        batch.clear();
        return n;
    }

    /**
     * {@code count} windows of {@code length + 1} tokens (inputs and shifted targets) at start positions drawn from
     * {@code rng}; row-major {@code [count, length + 1]}.
     */
    long[] windows(SplittableRandom rng, int count, int length) {
        if (tokens.length <= length + 1) {
            throw new IllegalStateException("corpus of " + tokens.length + " tokens is shorter than a window of "
                    + (length + 1));
        }
        long[] out = new long[count * (length + 1)];
        for (int b = 0; b < count; b++) {
            int start = rng.nextInt(tokens.length - length - 1);
            for (int t = 0; t <= length; t++) {
                out[b * (length + 1) + t] = tokens[start + t];
            }
        }
        return out;
    }

    private static int[] readInts(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading until full
            }
            buf.flip();
            int[] out = new int[buf.remaining() / 4];
            buf.asIntBuffer().get(out);
            return out;
        }
    }

    private static void writeInts(Path file, int[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        AtomicFiles.writeBytes(file, buf.array());
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] data = new int[1 << 20];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
