package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The embedded all-MiniLM-L6-v2 encoder, run for real through DJL's OnnxRuntime engine. */
@Tag("unit")
class MiniLmEncoderTest {

    private final MiniLmEncoder encoder = MiniLmEncoder.shared();

    @Test
    void identicalTextsScoreOneWithTheRealEncoder() {
        String text = "command line tool for transferring data with URL syntax";
        BertScoreResult r = new BertScore(encoder, BertScoreConfig.plain())
                .score(Corpus.singleReference(List.of(text), List.of(text)));
        assertThat(r.corpus().precision()).isCloseTo(1.0, within(1e-6));
        assertThat(r.corpus().recall()).isCloseTo(1.0, within(1e-6));
        assertThat(r.corpus().fmeasure()).isCloseTo(1.0, within(1e-6));
        assertThat(r.signature()).contains("enc:all-MiniLM-L6-v2", "layer:6");
    }

    @Test
    void specialTokensAreRemovedAndNothingIsPadded() {
        List<TokenEmbeddings> e = encoder.encode(List.of("hello world", "a somewhat longer sentence about package managers"));
        // "hello world" is two word pieces; [CLS], [SEP] and the batch padding must not appear.
        assertThat(e.get(0).size()).isEqualTo(2);
        assertThat(e.get(0).vectors()[0]).hasSize(384);
        assertThat(e.get(0).truncated()).isFalse();
    }

    @Test
    void longTextsAreTruncatedToTheMaximumLength() {
        String longText = "word ".repeat(400);
        TokenEmbeddings e = encoder.encode(List.of(longText)).getFirst();
        assertThat(e.truncated()).isTrue();
        assertThat(e.size()).isEqualTo(MiniLmEncoder.DEFAULT_MAX_TOKENS - 2);
    }

    @Test
    void batchedEncodingMatchesOneAtATime() {
        List<String> texts = List.of("library for parsing XML documents", "fast", "an editor for the console with syntax highlighting");
        List<TokenEmbeddings> batched = encoder.encode(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[][] alone = encoder.encode(List.of(texts.get(i))).getFirst().vectors();
            float[][] inBatch = batched.get(i).vectors();
            assertThat(inBatch.length).isEqualTo(alone.length);
            for (int t = 0; t < alone.length; t++) {
                for (int d = 0; d < alone[t].length; d++) {
                    assertThat(inBatch[t][d]).isCloseTo(alone[t][d], within(1e-4f));
                }
            }
        }
    }
}
