package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.store.CalibrationSet;

/** The matched-bits mix: it hits the measured bits within 0.02 and spends them on the most sensitive matrices. */
@Tag("unit")
class MatchedMixTest {

    /** The fixture model's shape: 28 matrices of three sizes, so no target is met by whole matrices alone. */
    static final LlamaConfig FIXTURE_SHAPE = new LlamaConfig(4096, 192, 1024, 4, 6, 2, 512, 1e-5, 10000.0, true, 1, 2);

    static QuantizedModel rtn;
    static FisherSensitivities fisher;

    @BeforeAll
    static void quantize() {
        var weights = TinyBackbone.weights();
        rtn = TinyBackbone.quantize(weights);
        fisher = FisherSensitivities.compute(new InMemoryWeights(TinyBackbone.CONFIG, weights), "tiny",
                CalibrationSet.of("tiny", List.of(new int[] {1, 5, 9, 14, 3, 22, 7, 40}, new int[] {1, 8, 2, 30, 11})));
    }

    /** One unit per matrix of {@code config}, with seeded random sensitivities, ranked most sensitive first. */
    static List<MatchedMix.Unit> randomRanking(LlamaConfig config, long seed) {
        Random rnd = new Random(seed);
        List<LinearId> all = LinearId.all(config);
        List<MatchedMix.Unit> units = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LinearId id = all.get(i);
            units.add(new MatchedMix.Unit(List.of(id), BitPolicy.parameters(config, id.proj()), rnd.nextDouble(), i));
        }
        units.sort((a, b) -> Double.compare(b.sensitivity(), a.sensitivity()));
        return units;
    }

    @Test
    void everyTargetBetweenTheWidthsIsMetWithinTwoHundredthsOfABit() {
        for (long seed = 1; seed <= 5; seed++) {
            List<MatchedMix.Unit> ranking = randomRanking(FIXTURE_SHAPE, seed);
            for (int pair = 0; pair < 2; pair++) {
                int high = 4 - pair;
                int low = 3 - pair;
                for (int i = 0; i <= 200; i++) {
                    double target = low + i / 200.0;
                    MatchedMix.Result r = MatchedMix.match(FIXTURE_SHAPE, ranking, high, low, target);
                    assertThat(Math.abs(r.averageBits() - target)).as("seed %d, %d>%d, target %.3f", seed, high, low,
                            target).isLessThanOrEqualTo(MatchedMix.TOLERANCE);
                    assertThat(r.policy().averageBits(FIXTURE_SHAPE)).isEqualTo(r.averageBits());
                    assertThat(r.policy().bits().values()).allMatch(b -> b == high || b == low);
                }
            }
        }
    }

    @Test
    void amongMatricesOfOneSizeTheHighOnesAreTheMostSensitive() {
        // Two units of one size can always trade places without moving the average, so the rule never keeps the
        // more sensitive one low.
        List<MatchedMix.Unit> ranking = randomRanking(FIXTURE_SHAPE, 7);
        for (double target = 3.0; target <= 4.0; target += 0.013) {
            MatchedMix.Result r = MatchedMix.match(FIXTURE_SHAPE, ranking, 4, 3, target);
            for (MatchedMix.Unit low : ranking) {
                for (MatchedMix.Unit high : ranking) {
                    if (r.policy().bitsFor(low.matrices().get(0)) == 3 && r.policy().bitsFor(high.matrices().get(0)) == 4
                            && low.parameters() == high.parameters()) {
                        assertThat(low.sensitivity()).as("target %.3f: %s left low, %s high", target, low.matrices(),
                                high.matrices()).isLessThan(high.sensitivity());
                    }
                }
            }
        }
    }

    /** One block of q, k, v, o (1024, 512, 512, 1024 weights) and gate, up, down (8192 each). */
    static final LlamaConfig ONE_LAYER = new LlamaConfig(64, 32, 256, 1, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);

    static List<MatchedMix.Unit> ranked(Linear... order) {
        List<MatchedMix.Unit> units = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            LinearId id = new LinearId(0, order[i]);
            units.add(new MatchedMix.Unit(List.of(id), BitPolicy.parameters(ONE_LAYER, id.proj()), order.length - i,
                    order[i].ordinal()));
        }
        return units;
    }

    @Test
    void theMostSensitiveMatricesAreRaisedAsLongAsTheRestCanStillMeetTheTarget() {
        // 22/54 of the weights at 4 bits: one MLP matrix and all four attention matrices is the only such mix. The
        // gate (most sensitive) goes up; down and up, less sensitive, must then stay low; q, k, v, o fill the rest.
        List<MatchedMix.Unit> ranking = ranked(Linear.GATE, Linear.Q, Linear.K, Linear.DOWN, Linear.V, Linear.O,
                Linear.UP);
        MatchedMix.Result r = MatchedMix.match(ONE_LAYER, ranking, 4, 3, 3 + 22.0 / 54);
        assertThat(r.policy().bits()).containsEntry(new LinearId(0, Linear.GATE), 4)
                .containsEntry(new LinearId(0, Linear.Q), 4).containsEntry(new LinearId(0, Linear.K), 4)
                .containsEntry(new LinearId(0, Linear.V), 4).containsEntry(new LinearId(0, Linear.O), 4)
                .containsEntry(new LinearId(0, Linear.DOWN), 3).containsEntry(new LinearId(0, Linear.UP), 3);
        assertThat(r.averageBits()).isCloseTo(3 + 22.0 / 54, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.atHigh()).isEqualTo(5);
        assertThat(r.describe()).contains("5 of 7 units at 4 bits").contains(r.policy().name());
        // With the gate ranked last, the down projection is the MLP matrix that goes up.
        MatchedMix.Result other = MatchedMix.match(ONE_LAYER, ranked(Linear.DOWN, Linear.Q, Linear.K, Linear.V,
                Linear.O, Linear.UP, Linear.GATE), 4, 3, 3 + 22.0 / 54);
        assertThat(other.policy().bits()).containsEntry(new LinearId(0, Linear.DOWN), 4)
                .containsEntry(new LinearId(0, Linear.GATE), 3).containsEntry(new LinearId(0, Linear.UP), 3);
    }

    @Test
    void aTargetOutsideThePairOrUnreachableIsRefused() {
        List<MatchedMix.Unit> ranking = randomRanking(FIXTURE_SHAPE, 1);
        assertThatThrownBy(() -> MatchedMix.match(FIXTURE_SHAPE, ranking, 4, 3, 4.2)).hasMessageContaining("outside");
        assertThatThrownBy(() -> MatchedMix.match(FIXTURE_SHAPE, ranking, 4, 3, Double.NaN))
                .hasMessageContaining("outside");
        // Attention matrices cover 0..6 of 54 parts and MLP matrices 16 each: 3.5 bits (27 parts) is out of reach.
        List<MatchedMix.Unit> coarse = ranked(Linear.GATE, Linear.Q, Linear.K, Linear.DOWN, Linear.V, Linear.O,
                Linear.UP);
        assertThatThrownBy(() -> MatchedMix.match(ONE_LAYER, coarse, 4, 3, 3.5)).hasMessageContaining("no mix")
                .hasMessageContaining("within 0.02 bits of the target 3.5000");
        assertThatThrownBy(() -> MatchedMix.match(ONE_LAYER, coarse.subList(0, 1), 4, 3, 3.5))
                .hasMessageContaining("expected each of the model's 7");
    }

    @Test
    void sensitivityIsTheFisherWeightedSquaredChangeBetweenTheWidthsPerWeight() {
        List<MatchedMix.Unit> ranking = MatchedMix.rank(rtn, fisher, 4, 2);
        assertThat(ranking).hasSize(LinearId.all(TinyBackbone.CONFIG).size()).allMatch(u -> u.matrices().size() == 1);
        for (int i = 1; i < ranking.size(); i++) {
            assertThat(ranking.get(i).sensitivity()).isLessThanOrEqualTo(ranking.get(i - 1).sensitivity());
        }
        MatchedMix.Unit top = ranking.get(0);
        LinearId id = top.matrices().get(0);
        float[] f = fisher.of(id).data();
        float[] hi = rtn.dequantized(id.layer(), id.proj(), 4).data();
        float[] lo = rtn.dequantized(id.layer(), id.proj(), 2).data();
        double sum = 0;
        for (int i = 0; i < f.length; i++) {
            sum += f[i] * ((double) hi[i] - lo[i]) * ((double) hi[i] - lo[i]);
        }
        assertThat(top.sensitivity()).isCloseTo(sum / f.length, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(top.parameters()).isEqualTo(f.length);
        assertThat(top.sensitivity()).isPositive();
    }

    @Test
    void aBackboneWithNormsPerWidthMovesTheMatricesReadingOneNormTogether() {
        assertThat(MatchedMix.units(TinyBackbone.CONFIG, false)).hasSize(LinearId.all(TinyBackbone.CONFIG).size())
                .allMatch(u -> u.size() == 1);
        List<List<LinearId>> grouped = MatchedMix.units(TinyBackbone.CONFIG, true);
        assertThat(grouped).hasSize(TinyBackbone.CONFIG.numLayers() * 4);
        assertThat(grouped.get(0)).extracting(LinearId::proj).containsExactly(Linear.Q, Linear.K, Linear.V);
        assertThat(grouped.get(1)).extracting(LinearId::proj).containsExactly(Linear.O);
        assertThat(grouped.get(2)).extracting(LinearId::proj).containsExactly(Linear.GATE, Linear.UP);
        assertThat(grouped.get(3)).extracting(LinearId::proj).containsExactly(Linear.DOWN);
        List<MatchedMix.Unit> units = new ArrayList<>();
        for (List<LinearId> g : grouped) {
            units.add(new MatchedMix.Unit(g, g.stream().mapToLong(id -> BitPolicy.parameters(TinyBackbone.CONFIG,
                    id.proj())).sum(), units.size() % 3, units.size()));
        }
        MatchedMix.Result r = MatchedMix.match(TinyBackbone.CONFIG, units, 4, 2, 3.0);
        for (int l = 0; l < TinyBackbone.CONFIG.numLayers(); l++) {
            assertThat(r.policy().bitsFor(new LinearId(l, Linear.K))).isEqualTo(r.policy().bitsFor(new LinearId(l,
                    Linear.Q))).isEqualTo(r.policy().bitsFor(new LinearId(l, Linear.V)));
            assertThat(r.policy().bitsFor(new LinearId(l, Linear.UP)))
                    .isEqualTo(r.policy().bitsFor(new LinearId(l, Linear.GATE)));
        }
    }

    @Test
    void aMixNeedsBothWidthsServed() {
        assertThatThrownBy(() -> MatchedMix.rank(rtn, fisher, 5, 2)).hasMessageContaining("needs both widths");
    }
}
