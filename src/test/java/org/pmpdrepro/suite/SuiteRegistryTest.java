package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.Precision;

@Tag("unit")
class SuiteRegistryTest {

    @Test
    void theDefaultsWireEveryBackboneAndSchedulerOfTheGrid() {
        SuiteRegistry r = SuiteRegistry.defaults();
        assertThat(r.backbones()).containsExactly("any-precision", "gptq", "haq", "bit-mixer", "rtn");
        assertThat(r.schedulers()).containsExactly("none-high", "none-low", "phase-aware-only", "static", "learned",
                "matched-static", "matched-learned", "random-uniform-matched", "random-label-prior-matched",
                "confidence-matched", "none-matched", "random-uniform", "random-label-prior", "confidence");
        for (Cell c : Grid.design().cells()) {
            assertThat(r.backbones()).as(c.id()).contains(c.backbone());
            assertThat(r.schedulers()).as(c.id()).contains(c.scheduler());
        }
    }

    @Test
    void anUnwiredNameFailsAsNotImplementedNamingItAndWhereToWireIt() {
        assertThatThrownBy(() -> SuiteRegistry.defaults().scheduler("oracle"))
                .isInstanceOf(NotImplementedException.class)
                .hasMessageStartingWith("not implemented: oracle (scheduler")
                .hasMessageContaining("SuiteRegistry.defaults()");
        assertThatThrownBy(() -> SuiteRegistry.defaults().backbone("awq"))
                .hasMessageStartingWith("not implemented: awq (back-bone");
    }

    @Test
    void wiringASchedulerIsOneCallAndKeepsTheRest() {
        SuiteRegistry r = SuiteRegistry.defaults().withScheduler("static",
                q -> new SchedulerFactory.Scheduled("static", org.pmpdrepro.decode.PrecisionPlan.fixed(q.high())));
        assertThat(r.schedulers()).contains("static", "none-high");
    }

    @Test
    void noSwitchingPlansAreKeyedByWhatTheyDecodeSoEqualPlansShareADecode() {
        SuiteRegistry r = SuiteRegistry.defaults();
        SchedulerFactory.Request fourThree = request(4, 3);
        SchedulerFactory.Request threeTwo = request(3, 2);
        assertThat(r.scheduler("none-low").schedule(fourThree).key())
                .isEqualTo(r.scheduler("none-high").schedule(threeTwo).key()).isEqualTo("fixed 3bit");
        assertThat(r.scheduler("phase-aware-only").schedule(fourThree).key()).isEqualTo("phase-aware 4bit>3bit");
        SchedulerFactory.Scheduled phase = r.scheduler("phase-aware-only").schedule(fourThree);
        assertThat(phase.plan().prefill(0)).isEqualTo(Precision.bits(4));
        assertThat(phase.plan().decode(0, 1)).isEqualTo(Precision.bits(3));
    }

    static SchedulerFactory.Request request(int high, int low) {
        Cell c = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, org.pmpdrepro.data.Task.DEBSUM, "any-precision",
                new BitWidthPair(high, low), "none-high");
        return new SchedulerFactory.Request(c, List.of(), Precision.bits(high), Precision.bits(low), null, null, null,
                other -> { throw new AssertionError("no sibling runs here"); });
    }
}
