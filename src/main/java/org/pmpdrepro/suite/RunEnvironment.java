package org.pmpdrepro.suite;

import java.util.Objects;

/**
 * What a run's numbers depend on beyond the cell, recorded in every golden row.
 *
 * @param device where the model ran ({@code cpu()}, {@code gpu(0)})
 * @param backend the decoding back-end and engine ({@code djl-pytorch 2.7.1})
 * @param modelSha256 the model bundle's identity hash
 * @param fixturesSha256 the task fixtures' manifest hash
 */
public record RunEnvironment(String device, String backend, String modelSha256, String fixturesSha256) {

    public RunEnvironment {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(fixturesSha256, "fixturesSha256");
    }
}
