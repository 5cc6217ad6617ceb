package org.pmpdrepro.container;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Info;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;

/**
 * The GPUs containers may take, one each: a container leases a device id for its lifetime, so that concurrent
 * cells never share a GPU. Empty on an engine without the NVIDIA runtime.
 *
 * <p>Ids come from {@code -Dpmpd.gpus=0,1,2,3} (the engine host's GPU indices); on an NVIDIA engine without that
 * property the pool is GPU {@code 0} alone, and {@code -Dpmpd.gpus=none} turns pass-through off.
 */
public final class GpuPool {

    private final BlockingQueue<String> free;
    private final List<String> ids;

    public GpuPool(List<String> ids) {
        this.ids = List.copyOf(ids);
        this.free = new ArrayBlockingQueue<>(Math.max(1, ids.size()), true, this.ids);
    }

    /** No GPUs: containers run on the CPU. */
    public static GpuPool none() {
        return new GpuPool(List.of());
    }

    /** The pool {@code -Dpmpd.gpus} and the engine's runtimes describe. */
    public static GpuPool fromEngine() {
        String property = System.getProperty("pmpd.gpus", "").strip();
        if (property.equals("none")) {
            return none();
        }
        if (!hasNvidiaRuntime(DockerClientFactory.instance().getInfo())) {
            if (!property.isEmpty()) {
                throw new IllegalStateException("-Dpmpd.gpus=" + property + " asks for GPUs, but the Docker engine"
                        + " reports no nvidia runtime (install the NVIDIA Container Toolkit on the engine's host)");
            }
            return none();
        }
        return new GpuPool(property.isEmpty() ? List.of("0") : Arrays.stream(property.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    /** Whether {@code docker info} lists a runtime named like {@code nvidia}. */
    static boolean hasNvidiaRuntime(Info info) {
        Map<String, ?> runtimes = info.getRuntimes();
        return runtimes != null && runtimes.keySet().stream().anyMatch(r -> r.toLowerCase().contains("nvidia"));
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** How many GPUs the pool holds (leased or free). */
    public int size() {
        return ids.size();
    }

    /** Takes a free GPU, waiting for one; empty for an empty pool. */
    public Optional<String> lease() throws InterruptedException {
        return ids.isEmpty() ? Optional.empty() : Optional.of(free.take());
    }

    /** Gives back what {@link #lease} returned. */
    public void release(Optional<String> id) {
        id.ifPresent(free::add);
    }

    /** Asks the engine for exactly device {@code id} (a device request with the {@code gpu} capability). */
    static Consumer<CreateContainerCmd> deviceRequest(String id) {
        return cmd -> cmd.getHostConfig().withDeviceRequests(List.of(new DeviceRequest()
                .withDriver("nvidia")
                .withDeviceIds(List.of(id))
                .withCapabilities(List.of(List.of("gpu")))));
    }
}
