package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class DeviceChoiceTest {

    @Test
    void cpuIsAlwaysTheCpuAndAutoFollowsWhatTheEngineSees() {
        assertThat(DeviceChoice.CPU.resolve()).isEqualTo(Device.cpu());
        Device expected = Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
        assertThat(DeviceChoice.AUTO.resolve()).isEqualTo(expected);
    }

    @Test
    void gpuWithoutAGpuIsAClearError() {
        if (Engine.getInstance().getGpuCount() > 0) {
            assertThat(DeviceChoice.GPU.resolve()).isEqualTo(Device.gpu(0));
        } else {
            assertThatThrownBy(DeviceChoice.GPU::resolve).hasMessageContaining("sees no GPU")
                    .hasMessageContaining("-Pgpu");
        }
    }

    @Test
    void parsingNamesTheAcceptedValues() {
        assertThat(DeviceChoice.parse(" Gpu ")).isEqualTo(DeviceChoice.GPU);
        assertThatThrownBy(() -> DeviceChoice.parse("tpu")).hasMessageContaining("expected auto, cpu or gpu");
    }
}
