package org.pmpdrepro.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures a BERTScore rescaling baseline for the MiniLM encoder: the mean raw P, R and F1 of random pairs
 * of unrelated texts, as {@code bert_score} measures its baselines (there on Common Crawl sentence pairs).
 * Prints one CSV row for {@code bertscore-baselines.csv}.
 *
 * <p>Usage: {@code BertScoreBaselineTool TEXT_FILE [PAIRS [SEED]]}, TEXT_FILE holding one text per line
 * (duplicates are dropped). Not a test: it runs the encoder over thousands of texts.
 */
public final class BertScoreBaselineTool {

    private BertScoreBaselineTool() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BertScoreBaselineTool TEXT_FILE [PAIRS [SEED]]");
            System.exit(2);
        }
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 2410L;
        List<String> texts = new ArrayList<>(new LinkedHashSet<>(SegmentFiles.read(Path.of(args[0]))));
        texts.removeIf(String::isBlank);
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> hyps = new ArrayList<>(pairs);
        List<String> refs = new ArrayList<>(pairs);
        while (hyps.size() < pairs) {
            int a = rng.nextInt(texts.size());
            int b = rng.nextInt(texts.size());
            if (a != b) {
                hyps.add(texts.get(a));
                refs.add(texts.get(b));
            }
        }
        long t0 = System.nanoTime();
        BertScoreResult r = BertScore.miniLm().score(Corpus.singleReference(hyps, refs));
        System.err.printf(Locale.ROOT, "%d random pairs of %d distinct texts scored in %.1f s%n", pairs, texts.size(),
                (System.nanoTime() - t0) / 1e9);
        System.out.println("encoder,layer,P,R,F");
        System.out.printf(Locale.ROOT, "%s,%d,%.6f,%.6f,%.6f%n", r.encoder(), r.layer(), r.corpus().precision(),
                r.corpus().recall(), r.corpus().fmeasure());
    }
}
