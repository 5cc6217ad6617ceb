package org.pmpdrepro.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;

/**
 * Fuzzes the metric input reader ({@code pmpd score}'s hypothesis and reference files, {@link SegmentFiles}) and the
 * string metrics on whatever it lets through: a file that reads must score, except that BLEU refuses references that
 * are all empty.
 */
@Tag("unit")
class ScoreInputFuzzTest {

    private static final List<Metric> STRING_METRICS = List.of(
            new SacreBleu(SacreBleuConfig.defaults()),
            new SacreBleu(SacreBleuConfig.defaults().withTokenizer(BleuTokenizer.INTL)),
            new Bleu(new BleuConfig(4, true)),
            Rouge.of(RougeType.ROUGE_2, true),
            Rouge.of(RougeType.ROUGE_LSUM, true));

    @TempDir
    Path dir;

    @ReaderFuzzTest
    @DisplayName("any segment file is read or refused with an IOException naming the file")
    void segmentFile(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve("hyp.txt"), input, IOException.class, SegmentFiles::read);
    }

    @ReaderFuzzTest
    @DisplayName("the segments of any file that reads score under every string metric against each other")
    void scoredSegments(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve("hyp.txt"), input, IOException.class, file -> {
            List<String> hypotheses = SegmentFiles.read(file);
            List<String> references = new ArrayList<>(hypotheses);
            Collections.rotate(references, 1);
            Corpus corpus = Corpus.singleReference(hypotheses, references);
            for (Metric m : STRING_METRICS) {
                try {
                    m.score(corpus);
                } catch (IllegalArgumentException e) {
                    // BLEU refuses a corpus whose references are all empty, as BleuTest asks (its reference
                    // implementation divides by zero); found by this target on a file of one blank segment.
                    if (!(m instanceof Bleu) || !e.getMessage().contains("reference length is 0")) {
                        throw e;
                    }
                }
            }
        });
    }
}
