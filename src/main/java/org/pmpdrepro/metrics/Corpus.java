package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Hypotheses with their references, in sacrebleu's layout: reference stream {@code k} holds the
 * {@code k}-th reference of every hypothesis.
 */
public record Corpus(List<String> hypotheses, List<List<String>> referenceStreams) {

    public Corpus {
        if (hypotheses == null || hypotheses.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs at least one hypothesis");
        }
        if (referenceStreams == null || referenceStreams.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs at least one reference stream");
        }
        for (int i = 0; i < hypotheses.size(); i++) {
            if (hypotheses.get(i) == null) {
                throw new IllegalArgumentException("hypothesis " + i + " is null");
            }
        }
        List<List<String>> streams = new ArrayList<>(referenceStreams.size());
        for (int k = 0; k < referenceStreams.size(); k++) {
            List<String> stream = referenceStreams.get(k);
            if (stream == null || stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + k + " holds "
                        + (stream == null ? "nothing" : stream.size() + " segments") + " but there are "
                        + hypotheses.size() + " hypotheses");
            }
            for (int i = 0; i < stream.size(); i++) {
                if (stream.get(i) == null) {
                    throw new IllegalArgumentException("reference stream " + k + ", segment " + i + " is null");
                }
            }
            streams.add(List.copyOf(stream));
        }
        hypotheses = List.copyOf(hypotheses);
        referenceStreams = List.copyOf(streams);
    }

    /** One hypothesis per sample, each with a single reference. */
    public static Corpus singleReference(List<String> hypotheses, List<String> references) {
        return new Corpus(hypotheses, List.of(references));
    }

    public int size() {
        return hypotheses.size();
    }

    public String hypothesis(int i) {
        return hypotheses.get(i);
    }

    /** The references of sample {@code i}, one per stream. */
    public List<String> references(int i) {
        List<String> out = new ArrayList<>(referenceStreams.size());
        for (List<String> stream : referenceStreams) {
            out.add(stream.get(i));
        }
        return out;
    }

    /** The same corpus repeated {@code times} times (used by invariance checks). */
    public Corpus repeated(int times) {
        List<String> h = new ArrayList<>();
        List<List<String>> r = new ArrayList<>();
        for (List<String> ignored : referenceStreams) {
            r.add(new ArrayList<>());
        }
        for (int t = 0; t < times; t++) {
            h.addAll(hypotheses);
            for (int k = 0; k < referenceStreams.size(); k++) {
                r.get(k).addAll(referenceStreams.get(k));
            }
        }
        return new Corpus(h, r);
    }
}
