package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class WeightedKMeansTest {

    @Test
    void separatedGroupsAreFoundWithTheirWeightedMeansAsCentres() {
        double[] v = {-5.0, -4.0, 0.0, 0.5, 10.0, 11.0};
        double[] w = {1, 3, 1, 1, 1, 1};
        WeightedKMeans.Clustering c = WeightedKMeans.kMeans(v, w, 3, 50);
        assertThat(c.assignment()).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(c.centres()).containsExactly(-4.25, 0.25, 10.5);
    }

    @Test
    void weightedQuantilesFollowTheWeightNotTheCount() {
        double[] v = {1, 2, 3, 4};
        double[] w = {0, 0, 0, 1};
        assertThat(WeightedKMeans.weightedQuantiles(v, w, 2)).containsExactly(4.0, 4.0);
    }

    @Test
    void aSplitOfIdenticalValuesLeavesTheUpperChildEmpty() {
        double[] v = {2, 2, 2};
        double[] w = {1, 1, 1};
        assertThat(WeightedKMeans.split(v, w, new int[] {0, 1, 2}, 3, 10)).containsExactly(false, false, false);
    }

    @Test
    void aSplitSeparatesTheTwoModesOfACluster() {
        double[] v = {0.0, 0.1, 0.2, 5.0, 5.1};
        double[] w = {1, 1, 1, 1, 1};
        assertThat(WeightedKMeans.split(v, w, new int[] {0, 1, 2, 3, 4}, 5, 10))
                .containsExactly(false, false, false, true, true);
    }

    @Test
    void clustersLeftEmptyByCoincidingQuantilesAreReseededSoEveryCentroidIsUsed() {
        // Nearly all the weight sits on one value, so all four initial quantiles coincide there.
        double[] v = {1, 2, 3, 4};
        double[] w = {0.01, 0.01, 0.01, 10};
        WeightedKMeans.Clustering c = WeightedKMeans.kMeans(v, w, 4, 50);
        assertThat(c.assignment()).containsExactly(0, 1, 2, 3);
        assertThat(c.centres()).containsExactly(1.0, 2.0, 3.0, 4.0);
    }
}
