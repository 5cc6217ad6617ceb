package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Options apply to the metrics they name, and the chosen metric is built with them. */
@Tag("unit")
class MetricChoiceTest {

    static MetricChoice only(String metric) {
        return new MetricChoice(metric, null, false, null, null, false, false, null, false, false, false, null, false);
    }

    @Test
    void eachMetricIsBuiltFromItsName() {
        assertThat(only("bleu").build()).isInstanceOf(Bleu.class);
        assertThat(only("sacrebleu").build()).isInstanceOf(SacreBleu.class);
        assertThat(only("rouge2").build()).isInstanceOf(Rouge.class);
        assertThat(new MetricChoice("sacrebleu", "intl", true, "floor", 0.2, false, false, 3, false, false, false,
                null, false).build()).isInstanceOf(SacreBleu.class);
    }

    @Test
    void anOptionOfAnotherMetricOrAnUnknownNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> only("chrf")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metric 'chrf' is not one of");
        assertThatThrownBy(() -> new MetricChoice("bleu", "13a", false, null, null, false, false, null, false, false,
                false, null, false)).hasMessage("--tokenize applies to sacrebleu only, not to --metric bleu");
        assertThatThrownBy(() -> new MetricChoice("rougeL", null, false, null, null, false, false, null, false, false,
                false, Path.of("b.csv"), false)).hasMessage("--baseline applies to bertscore only, not to --metric"
                + " rougeL");
        assertThatThrownBy(() -> new MetricChoice("sacrebleu", null, false, null, Double.NaN, false, false, null,
                false, false, false, null, false)).hasMessageContaining("--smooth-value NaN");
        assertThatThrownBy(() -> new MetricChoice("sacrebleu", null, false, "exp", 0.5, false, false, null, false,
                false, false, null, false).build()).hasMessageContaining("--smooth-value applies to floor and add-k");
    }
}
