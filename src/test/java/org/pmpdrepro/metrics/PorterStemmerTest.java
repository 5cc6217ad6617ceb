package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Porter stemmer in NLTK's default mode, which rouge_score's {@code use_stemmer=True} runs. */
@Tag("unit")
class PorterStemmerTest {

    @Test
    void stemsEveryGoldenWordExactlyAsNltk() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/metrics/porter-nltk-golden.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                n++;
                String got = PorterStemmer.stem(f[0]);
                if (!got.equals(f[1])) {
                    mismatches.add(f[0] + ": nltk " + f[1] + ", got " + got);
                }
            }
        }
        assertThat(n).isGreaterThan(4000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void reproducesNltksDocumentedExamples() {
        // The plurals example of NLTK's stemming how-to.
        List<String> words = List.of("caresses", "flies", "dies", "mules", "denied", "died", "agreed", "owned", "humbled",
                "sized", "meeting", "stating", "siezing", "itemization", "sensational", "traditional", "reference",
                "colonizer", "plotted");
        List<String> stems = words.stream().map(PorterStemmer::stem).toList();
        assertThat(String.join(" ", stems)).isEqualTo(
                "caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot");
    }

    @Test
    void irregularFormsAndShortWordsFollowNltksExtensions() {
        assertThat(PorterStemmer.stem("skies")).isEqualTo("sky");
        assertThat(PorterStemmer.stem("dying")).isEqualTo("die");
        assertThat(PorterStemmer.stem("news")).isEqualTo("news");
        assertThat(PorterStemmer.stem("oed")).isEqualTo("o");
        assertThat(PorterStemmer.stem("On")).isEqualTo("on");
        assertThat(PorterStemmer.stem("Github")).isEqualTo("github");
    }
}
