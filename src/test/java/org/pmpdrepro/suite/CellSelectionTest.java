package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CellSelectionTest {

    static final List<Cell> GRID = Grid.design().cells();

    static CellSelection of(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return CellSelection.fromProperties(p);
    }

    @Test
    void noPropertiesSelectsTheWholeGrid() {
        assertThat(of().select(GRID)).isEqualTo(GRID);
    }

    @Test
    void propertiesNarrowByTaskBackboneSchedulerPairAndAblation() {
        List<Cell> picked = of("pmpd.task", "debsum", "pmpd.backbone", "gptq,haq", "pmpd.scheduler", "static",
                "pmpd.pair", "3>2", "pmpd.ablation", "a2").select(GRID);
        assertThat(picked).extracting(Cell::id).containsExactly("a2/debsum/gptq/3>2/static",
                "a2/debsum/haq/3>2/static");
    }

    @Test
    void aPairSelectsInEitherSpellingAndAMalformedOneIsAnErrorNamingTheProperty() {
        assertThat(of("pmpd.pair", "3-2").select(GRID)).isEqualTo(of("pmpd.pair", "3>2").select(GRID)).isNotEmpty();
        assertThatThrownBy(() -> of("pmpd.pair", "3/2")).hasMessageContaining("pmpd.pair")
                .hasMessageContaining("4>3");
    }

    @Test
    void shardsPartitionTheGridAndKeepATaskAndPairTogether() {
        int n = 4;
        Map<String, Integer> shardOfGroup = new HashMap<>();
        List<Cell> union = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            for (Cell c : of("pmpd.shard", i + "/" + n).select(GRID)) {
                union.add(c);
                Integer previous = shardOfGroup.put(c.shardKey(), i);
                assertThat(previous).as("shard of %s", c.shardKey()).isIn(null, i);
            }
        }
        assertThat(union).hasSameSizeAs(GRID).containsExactlyInAnyOrderElementsOf(GRID);
    }

    @Test
    void aShardIsTheSameOnEveryCall() {
        assertThat(of("pmpd.shard", "2/3").select(GRID)).isEqualTo(of("pmpd.shard", "2/3").select(GRID));
    }

    @Test
    void aComparisonIsSelectedOnlyWithBothArms() {
        Comparison c = Comparisons.of(Grid.design(), Ablation.REMOVE_PRECISION_SWITCHING).get(0);
        assertThat(of("pmpd.scheduler", c.system().scheduler()).accepts(c)).isFalse();
        assertThat(of("pmpd.scheduler", c.system().scheduler() + "," + c.baseline().scheduler()).accepts(c)).isTrue();
    }

    @Test
    void aMalformedShardShowsTheExpectedForm() {
        assertThatThrownBy(() -> of("pmpd.shard", "2of4")).hasMessageContaining("expected i/n such as 2/4");
        assertThatThrownBy(() -> of("pmpd.shard", "5/4")).hasMessageContaining("1 <= i <= n");
    }

    @Test
    void namesAreMatchedIgnoringCase() {
        assertThat(of("pmpd.task", "DEBSUM").accepts(GRID.get(0))).isTrue();
    }
}
