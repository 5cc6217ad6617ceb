package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class SplitRuleTest {

    @ParameterizedTest(name = "{0} belongs to family {1}")
    @CsvSource({
        "libfoo1, foo",
        "libfoo-dev, foo",
        "libfoo-doc, foo",
        "libfoo1.2, foo",
        "libfoo1-dev, foo",
        "libfoo-java-doc, foo",
        "foo, foo",
        "Foo-Utils, foo",
        "0ad-data-common, 0ad",
        "gcc-12, gcc",
        "python3-foo, python3-foo",
        "python3, python",
        "2048, 2048",
        "lib, lib",
        "libstdc++6, stdc++",
        "ada-reference-manual-2005, ada-reference-manual",
    })
    void familyKeys(String pkg, String family) {
        assertThat(SplitRule.familyKey(pkg)).isEqualTo(family);
    }

    @Test
    @DisplayName("packages of one family always land in the same split")
    void familyMembersShareASplit() {
        for (int i = 0; i < 2000; i++) {
            String base = "pkg" + Integer.toString(i, 36) + "x";
            Split split = SplitRule.splitOf("lib" + base + "3");
            assertThat(SplitRule.splitOf("lib" + base + "-dev")).isEqualTo(split);
            assertThat(SplitRule.splitOf("lib" + base + "-doc")).isEqualTo(split);
            assertThat(SplitRule.splitOf(base + "-utils")).isEqualTo(split);
        }
    }

    @Test
    @DisplayName("buckets are the salted SHA-256 prefix mod 1000 and fill the splits in proportion")
    void bucketShares() {
        Map<Split, Integer> n = new EnumMap<>(Split.class);
        int total = 100_000;
        for (int i = 0; i < total; i++) {
            String family = "family" + i + "x";
            int b = SplitRule.bucket(family);
            assertThat(b).isBetween(0, SplitRule.BUCKETS - 1);
            n.merge(SplitRule.splitOfFamily(family), 1, Integer::sum);
        }
        assertThat(n.get(Split.TEST) / (double) total).isCloseTo(0.025, within(0.003));
        assertThat(n.get(Split.CALIBRATION) / (double) total).isCloseTo(0.035, within(0.003));
        assertThat(n.get(Split.TRAIN) / (double) total).isCloseTo(0.940, within(0.004));
    }

    @ParameterizedTest(name = "family {0} is in bucket {1}, split {2}")
    @CsvSource({"curl, 948, TRAIN", "foo, 428, TRAIN", "ada-reference-manual, 1, TEST"})
    @DisplayName("buckets match SHA-256 prefixes computed independently of this code")
    void bucketsArePinned(String family, int bucket, Split split) {
        assertThat(SplitRule.bucket(family)).isEqualTo(bucket);
        assertThat(SplitRule.splitOfFamily(family)).isEqualTo(split);
    }
}
