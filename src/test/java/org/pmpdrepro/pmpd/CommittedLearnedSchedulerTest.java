package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed learned-scheduler weights reproduce the validation accuracy recorded when they were trained. */
class CommittedLearnedSchedulerTest {

    @ParameterizedTest(name = "pair {0}")
    @ValueSource(strings = {"4>3", "3>2"})
    void theCommittedClassifierReproducesItsSavedValidationAccuracy(String pairText) throws Exception {
        PrecisionPair pair = PrecisionPair.parse(pairText);
        LearnedStore.Saved saved = LearnedStore.load(LearnedStore.DEFAULT_DIR, pair);
        List<LabelledFeatures> validation = LearnedStore.loadValidation(LearnedStore.DEFAULT_DIR, pair);
        assertThat(validation).isNotEmpty();
        assertThat(saved.card().get("validation_examples").asInt()).isEqualTo(validation.size());
        assertThat(ClassifierTrainer.accuracy(saved.classifier(), validation)).isEqualTo(saved.validationAccuracy());
        assertThat(saved.card().get("command").asText()).startsWith("pmpd pmpd train-learned");
        assertThat(saved.card().get("model_sha256").asText()).hasSize(64);
    }
}
