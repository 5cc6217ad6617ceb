package org.pmpdrepro.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints the throughput of every metric (samples per second). Not a unit test: timings depend on the
 * machine and are never asserted.
 *
 * <p>Usage: {@code MetricsBenchmark [HYP_FILE REF_FILE]}. Without files it scores 200 deterministic
 * synthetic pairs: Debian synopses from the test resources as references, and as hypotheses the same
 * synopses with words dropped and neighbours swapped (seed 2410).
 */
public final class MetricsBenchmark {

    private MetricsBenchmark() {}

    public static void main(String[] args) throws IOException {
        Corpus corpus = args.length >= 2
                ? SegmentFiles.readCorpus(Path.of(args[0]), List.of(Path.of(args[1])))
                : synthetic(200, 2410L);
        System.out.printf(Locale.ROOT, "%d samples%s%n", corpus.size(), args.length >= 2 ? " from " + args[0] : " (synthetic)");
        List<Metric> metrics = List.of(Rouge.of(RougeType.ROUGE_1, true), Rouge.of(RougeType.ROUGE_2, true),
                Rouge.of(RougeType.ROUGE_L, true), Rouge.of(RougeType.ROUGE_LSUM, true), Bleu.defaults(),
                SacreBleu.defaults());
        System.out.printf(Locale.ROOT, "%-12s %10s %12s %14s%n", "metric", "score", "seconds/run", "samples/s");
        for (Metric m : metrics) {
            report(m, corpus, 20);
        }
        long t0 = System.nanoTime();
        BertScore bert = BertScore.miniLm();
        bert.score(Corpus.singleReference(List.of("warm up"), List.of("warm up")));
        System.out.printf(Locale.ROOT, "(%s loaded in %.2f s)%n", MiniLmEncoder.NAME, (System.nanoTime() - t0) / 1e9);
        report(bert, corpus, 3);

        MetricResult a = SacreBleu.defaults().score(corpus);
        MetricResult b = SacreBleu.defaults().score(new Corpus(corpus.referenceStreams().getFirst(), corpus.referenceStreams()));
        long t1 = System.nanoTime();
        PairedBootstrap.compare(a, b, PairedBootstrap.Config.defaults());
        System.out.printf(Locale.ROOT, "paired bootstrap, sacrebleu, 1000 resamples: %.3f s%n", (System.nanoTime() - t1) / 1e9);
    }

    private static void report(Metric m, Corpus corpus, int runs) {
        MetricResult r = m.score(corpus); // warm-up, and the score to print
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            m.score(corpus);
        }
        double perRun = (System.nanoTime() - start) / 1e9 / runs;
        System.out.printf(Locale.ROOT, "%-12s %10.4f %12.4f %14.1f%n", m.name(), r.score(), perRun, corpus.size() / perRun);
    }

    /** References from the test resources; hypotheses with ~20% of words dropped and some neighbours swapped. */
    static Corpus synthetic(int n, long seed) throws IOException {
        List<String> refs;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                MetricsBenchmark.class.getResourceAsStream("/metrics/debian-synopses-en.txt"), StandardCharsets.UTF_8))) {
            refs = r.lines().limit(n).toList();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> hyps = new ArrayList<>();
        for (String ref : refs) {
            List<String> words = new ArrayList<>();
            for (String w : ref.split(" ")) {
                if (rng.nextDouble() >= 0.2) {
                    words.add(w);
                }
            }
            for (int i = 0; i + 1 < words.size(); i++) {
                if (rng.nextDouble() < 0.1) {
                    Collections.swap(words, i, i + 1);
                }
            }
            hyps.add(String.join(" ", words));
        }
        return Corpus.singleReference(hyps, refs);
    }
}
