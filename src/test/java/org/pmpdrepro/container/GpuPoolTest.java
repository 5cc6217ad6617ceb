package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class GpuPoolTest {

    @Test
    void eachLeaseIsADifferentGpuUntilOneIsGivenBack() throws Exception {
        GpuPool pool = new GpuPool(List.of("0", "1"));
        Optional<String> first = pool.lease();
        Optional<String> second = pool.lease();
        assertThat(List.of(first.orElseThrow(), second.orElseThrow())).containsExactlyInAnyOrder("0", "1");
        pool.release(first);
        assertThat(pool.lease()).isEqualTo(first);
    }

    @Test
    void anEmptyPoolLeasesNothingAndNeverBlocks() throws Exception {
        GpuPool none = GpuPool.none();
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.lease()).isEmpty();
        none.release(Optional.empty());
    }

    @Test
    void theDeviceRequestAsksForExactlyTheLeasedGpu() {
        HostConfig host = HostConfig.newHostConfig();
        CreateContainerCmd cmd = (CreateContainerCmd) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CreateContainerCmd.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHostConfig")) {
                        return host;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        GpuPool.deviceRequest("3").accept(cmd);
        assertThat(host.getDeviceRequests()).singleElement().satisfies(r -> {
            DeviceRequest request = r;
            assertThat(request.getDeviceIds()).containsExactly("3");
            assertThat(request.getCapabilities()).containsExactly(List.of("gpu"));
            assertThat(request.getDriver()).isEqualTo("nvidia");
        });
    }
}
