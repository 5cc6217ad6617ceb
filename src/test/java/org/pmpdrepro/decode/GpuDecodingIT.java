package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The committed fixture model decoded on a CUDA GPU against the plain-Java oracle: what
 * {@link FixtureModelDecodingTest} holds the CPU to, on the GPU. Tagged {@code gpu}, so only the {@code gpu} profile
 * runs it ({@code ./mvnw -Pgpu verify} on a machine with a GPU, DJL's CUDA natives and the GPU build); there it
 * fails, rather than skips, when DJL's engine sees no GPU, since the profile was asked for to check one.
 */
@Tag("gpu")
class GpuDecodingIT extends FixtureModelOracleChecks {

    @Override
    Device device() {
        Engine engine = Engine.getInstance();
        assertThat(engine.getGpuCount()).as("GPUs DJL's %s engine %s sees (the gpu tests need one: run them with"
                + " -Pgpu on a machine with a CUDA GPU)", engine.getEngineName(), engine.getVersion()).isPositive();
        return Device.gpu();
    }

    @Test
    void theModelIsOnTheGpu() {
        assertThat(model.device().getDeviceType()).isEqualTo(Device.Type.GPU);
    }
}
