package org.pmpdrepro.quant.haq;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.Quantizer;

/**
 * Quantizes a model under already searched HAQ policies (see {@link HaqSearch} and {@link HaqPolicyFile}): each
 * matrix at every width the policies use, with {@code scheme}. Needs no calibration data: the search used it.
 */
public record HaqQuantizer(Map<String, BitPolicy> policies, QuantScheme scheme) implements Quantizer {

    public HaqQuantizer {
        policies = Map.copyOf(policies);
        Objects.requireNonNull(scheme, "scheme");
    }

    @Override
    public String method() {
        return HaqModel.METHOD;
    }

    @Override
    public HaqModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException {
        policies.values().forEach(p -> p.requireCovers(model.config()));
        return new MatrixCache(model, scheme, null).model(policies);
    }
}
