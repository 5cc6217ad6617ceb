package org.pmpdrepro.decode;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Where the decoder runs: a configuration value resolved against what the engine sees. */
public enum DeviceChoice {
    AUTO,
    CPU,
    GPU;

    /** {@code auto} picks the first GPU when the engine has one; {@code gpu} without one is an error. */
    public Device resolve() {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device 'gpu' was requested but the "
                            + Engine.getInstance().getEngineName() + " engine sees no GPU (CPU natives on the class"
                            + " path? build with -Pgpu for CUDA natives)");
                }
                yield Device.gpu(0);
            }
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
        };
    }

    /** Parses {@code auto|cpu|gpu}, naming the accepted values on error. */
    public static DeviceChoice parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device '" + value + "': expected auto, cpu or gpu", e);
        }
    }
}
