package org.pmpdrepro.quant.bitmixer;

import java.io.IOException;
import java.nio.file.Path;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.Quantizer;

/**
 * Bit-Mixer behind the common {@link Quantizer} interface: fine-tunes on the calibration sequences of the inputs
 * ({@link BitMixerTrainer}, checkpointing under {@code checkpointDir}) and serves the result. Fine-tuning is
 * expensive on CPU; the fixture model's result is committed and read with {@link BitMixerArtefact#read} instead.
 */
public record BitMixerQuantizer(BitMixerSettings settings, Path checkpointDir) implements Quantizer {

    @Override
    public String method() {
        return BitMixerModel.METHOD;
    }

    @Override
    public QuantizedModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException {
        if (inputs.calibration().isEmpty()) {
            throw new IllegalArgumentException(method() + " fine-tunes on calibration text; no calibration sequences"
                    + " were given (QuantizationInputs.calibration is empty)");
        }
        return BitMixerModel.of(new BitMixerTrainer(settings, checkpointDir).run(model, inputs.calibration()).weights());
    }
}
