package org.pmpdrepro.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pmpdrepro.io.AtomicFiles;

/**
 * llama.cpp's greedy decoding through the C harness {@code src/main/c/llama_greedy.c} (built by
 * {@code benchmarks/llama-cpp/setup}): one process per job, prompts given as token ids, so both decoders see the same
 * tokens.
 *
 * @param harness the built {@code llama_greedy} executable
 * @param backends the directory of llama.cpp's CPU back-end libraries (it loads the best one for this CPU)
 */
public record LlamaCpp(Path harness, Path backends) {

    /** One prompt's continuation: token ids (end-of-sequence left out) and the logit margin of each decision. */
    public record Continuation(int[] tokens, float[] margins) {}

    /** A job's continuations in prompt order, with llama.cpp's own prefill and decode times. */
    public record Run(List<Continuation> continuations, double prefillSeconds, double decodeSeconds,
            long promptTokens, long producedTokens) {

        public double seconds() {
            return prefillSeconds + decodeSeconds;
        }
    }

    /** The harness and back-ends as {@code benchmarks/llama-cpp/setup} lays them out under {@code dir}. */
    public static LlamaCpp in(Path dir) throws IOException {
        Path harness = dir.resolve("llama_greedy");
        Path backends = dir.resolve("bin");
        if (!Files.isExecutable(harness) || !Files.isDirectory(backends)) {
            throw new IOException("no llama.cpp harness in " + dir + " (expected " + harness + " and " + backends
                    + "/); build it with benchmarks/llama-cpp/setup " + dir);
        }
        return new LlamaCpp(harness, backends);
    }

    /**
     * Decodes {@code prompts} greedily, at most {@code maxNew} tokens each, on {@code threads} threads, {@code batch}
     * prompts at a time (each in its own sequence of the cache).
     */
    public Run decode(Path gguf, List<int[]> prompts, int maxNew, int eos, int threads, int batch, Path work)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path in = work.resolve("prompts.txt");
        Path out = work.resolve("llama-cpp-out.tsv");
        StringBuilder text = new StringBuilder();
        for (int[] p : prompts) {
            for (int i = 0; i < p.length; i++) {
                text.append(i == 0 ? "" : " ").append(p[i]);
            }
            text.append('\n');
        }
        AtomicFiles.writeText(in, text.toString());
        Files.deleteIfExists(out);
        Path log = work.resolve("llama-cpp.log");
        Process process = new ProcessBuilder(harness.toString(), gguf.toString(), in.toString(),
                Integer.toString(maxNew), Integer.toString(eos), Integer.toString(threads), out.toString(),
                backends.toString(), Integer.toString(batch))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(1, TimeUnit.HOURS)) {
            process.destroyForcibly();
            throw new IOException("llama.cpp harness did not finish within an hour; log: " + log);
        }
        if (process.exitValue() != 0) {
            throw new IOException("llama.cpp harness exited with " + process.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        return parse(out, prompts.size());
    }

    static Run parse(Path out, int prompts) throws IOException {
        List<Continuation> continuations = new ArrayList<>();
        double prefill = Double.NaN;
        double decode = Double.NaN;
        long promptTokens = 0;
        long produced = 0;
        int lineNo = 0;
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            lineNo++;
            String[] f = line.split("\t", -1);
            try {
                if (f[0].equals("timing")) {
                    prefill = Double.parseDouble(f[1]);
                    decode = Double.parseDouble(f[2]);
                    promptTokens = Long.parseLong(f[3]);
                    produced = Long.parseLong(f[4]);
                } else {
                    if (Integer.parseInt(f[0]) != continuations.size()) {
                        throw new IOException(out + ":" + lineNo + ": prompt " + f[0] + " out of order");
                    }
                    continuations.add(new Continuation(ints(f[1]), floats(f[2])));
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException(out + ":" + lineNo + ": malformed harness output '" + line + "'", e);
            }
        }
        if (continuations.size() != prompts || Double.isNaN(prefill)) {
            throw new IOException(out + ": " + continuations.size() + " of " + prompts
                    + " prompts decoded" + (Double.isNaN(prefill) ? " and no timing line" : ""));
        }
        return new Run(continuations, prefill, decode, promptTokens, produced);
    }

    private static int[] ints(String csv) {
        return csv.isEmpty() ? new int[0] : java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static float[] floats(String csv) {
        String[] parts = csv.isEmpty() ? new String[0] : csv.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }
}
