package org.pmpdrepro.ablation;

import org.junit.jupiter.api.DisplayName;
import org.pmpdrepro.suite.Ablation;

/**
 * Any-Precision against GPTQ, HAQ and Bit-Mixer, each driving the same PMPD schedules. What runs, and how to select
 * cells: {@link AblationSuite}.
 */
@DisplayName("A2 · replace the PTQ method")
class ReplacePtqMethodTest extends AblationSuite {

    ReplacePtqMethodTest() {
        super(Ablation.REPLACE_PTQ_METHOD);
    }
}
