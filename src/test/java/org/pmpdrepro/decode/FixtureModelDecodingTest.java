package org.pmpdrepro.decode;

import ai.djl.Device;
import org.junit.jupiter.api.Tag;

/** The committed fixture model on the CPU: the DJL decoder against the plain-Java oracle on real task prompts. */
@Tag("unit")
class FixtureModelDecodingTest extends FixtureModelOracleChecks {

    @Override
    Device device() {
        return Device.cpu();
    }
}
