package org.pmpdrepro.ablation;

import org.junit.jupiter.api.DisplayName;
import org.pmpdrepro.suite.Ablation;

/**
 * PMPD's schedulers against decoding with no precision switching (fixed high, fixed low, phase-aware only, a fixed
 * precision at PMPD's average bit-width) and the baseline schedulers. What runs, and how to select cells:
 * {@link AblationSuite}.
 */
@DisplayName("A1 · remove precision switching")
class RemovePrecisionSwitchingTest extends AblationSuite {

    RemovePrecisionSwitchingTest() {
        super(Ablation.REMOVE_PRECISION_SWITCHING);
    }
}
