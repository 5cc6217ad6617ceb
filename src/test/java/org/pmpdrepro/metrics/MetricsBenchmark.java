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
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;

/**
 * Prints the throughput of every metric (samples per second). Not a unit test: timings depend on the
 * machine and are never asserted.
 *
 * <p>Usage: {@code MetricsBenchmark [HYP_FILE REF_FILE]}. Without files it scores the first 200 examples of the
 * committed debsum test split (the lead sentence of each description against its synopsis), or, outside a
 * checkout, 200 deterministic synthetic pairs: Debian synopses from the test resources as references, and as
 * hypotheses the same synopses with words dropped and neighbours swapped (seed 2410).
 */
public final class MetricsBenchmark {

    private MetricsBenchmark() {}

    public static void main(String[] args) throws IOException {
        Corpus corpus;
        String origin;
        if (args.length >= 2) {
            corpus = SegmentFiles.readCorpus(Path.of(args[0]), List.of(Path.of(args[1])));
            origin = args[0];
        } else if (java.nio.file.Files.isDirectory(TaskFixtures.DEFAULT_DIR)) {
            corpus = testSplitLead(200);
            origin = "the debsum test split (lead sentence vs synopsis)";
        } else {
            corpus = synthetic(200, 2410L);
            origin = "synthetic pairs";
        }
        System.out.printf(Locale.ROOT, "%d samples from %s%n", corpus.size(), origin);
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

    private static Corpus testSplitLead(int count) {
        List<TaskExample> examples = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.TEST);
        List<String> hyps = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        for (TaskExample e : examples.subList(0, Math.min(count, examples.size()))) {
            int end = e.source().indexOf(". ");
            hyps.add(end < 0 ? e.source() : e.source().substring(0, end + 1));
            refs.add(e.reference());
        }
        return Corpus.singleReference(hyps, refs);
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
