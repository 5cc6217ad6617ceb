package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import org.pmpdrepro.eval.ExperimentBackbones;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.QuantizationStore;

/**
 * A back-bone of the ablations as {@link ExperimentBackbones} builds it (committed sensitivities, policies and
 * weights; models cached in the quantization store). HAQ's pair widths are its searched policies: {@code 4>3}
 * switches between {@code haq-4} and {@code haq-3}, each a mixed per-matrix policy under that average-bit budget
 * (the mapping and the memory accounting are {@link Backbone}'s defaults, from {@code eval.WeightTraffic}).
 */
record ExperimentBackbone(String name) implements Backbone {

    /** Where the committed quantization artefacts live (beside the task fixtures). */
    static final Path QUANT_FIXTURES = Path.of("fixtures", "quant");

    @Override
    public QuantizedModel build(Inputs inputs) throws IOException {
        return new ExperimentBackbones(inputs.fixturesDir(), QUANT_FIXTURES, QuantizationStore.atDefaultLocation())
                .build(name, inputs.bundle());
    }
}
