package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ExperimentBackbones;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.haq.HaqModel;
import org.pmpdrepro.quant.store.QuantizationStore;

/**
 * A back-bone of the ablations as {@link ExperimentBackbones} builds it (committed sensitivities, policies and
 * weights; models cached in the quantization store). HAQ's pair widths are its searched policies: {@code 4>3}
 * switches between {@code haq-4} and {@code haq-3}, each a mixed per-matrix policy under that average-bit budget.
 */
record ExperimentBackbone(String name) implements Backbone {

    /** Where the committed quantization artefacts live (beside the task fixtures). */
    static final Path QUANT_FIXTURES = Path.of("fixtures", "quant");

    @Override
    public QuantizedModel build(Inputs inputs) throws IOException {
        return new ExperimentBackbones(inputs.fixturesDir(), QUANT_FIXTURES, QuantizationStore.atDefaultLocation())
                .build(name, inputs.bundle());
    }

    @Override
    public Precision precision(QuantizedModel model, int bits) {
        if (!(model instanceof HaqModel)) {
            return Precision.bits(bits);
        }
        BitPolicy policy = model.policies().get("haq-" + bits);
        if (policy == null) {
            throw new IllegalArgumentException("HAQ has no policy for a " + bits + "-bit budget; it has "
                    + model.policies().keySet());
        }
        return policy.precision(model.config());
    }

    @Override
    public double bytesReadPerToken(QuantizedModel model, Precision precision) {
        if (model instanceof HaqModel haq && !precision.isFull()) {
            return haq.policyMemory(Set.of(precision.label())).bytesReadPerToken(precision.label());
        }
        return Backbone.super.bytesReadPerToken(model, precision);
    }

    @Override
    public double residentBytes(QuantizedModel model, Precision high, Precision low) {
        if (model instanceof HaqModel haq) {
            return haq.policyMemory(Set.of(high.label(), low.label())).residentBytes();
        }
        return Backbone.super.residentBytes(model, high, low);
    }
}
