package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Python string semantics the reference implementations depend on. */
@Tag("unit")
class PyTextTest {

    @Test
    void splitUsesPythonsWhitespaceIncludingNoBreakSpacesAndSeparators() {
        assertThat(PyText.split("a\u00a0b\u202fc\u001cd\u3000e\u200bf")).containsExactly("a", "b", "c", "d", "e\u200bf");
        assertThat(PyText.split("   ")).isEmpty();
    }

    @Test
    void fixedRoundsTheExactBinaryValueHalfToEvenLikePythonFormat() {
        assertThat(PyText.fixed(2.675, 2)).isEqualTo("2.67"); // 2.675 is 2.67499999... in binary
        assertThat(PyText.fixed(0.125, 2)).isEqualTo("0.12"); // exact tie: half to even
        assertThat(PyText.fixed(48.530827, 2)).isEqualTo("48.53");
        assertThat(PyText.fixed(-0.001, 2)).isEqualTo("-0.00");
        assertThat(PyText.fixed(0.1, 2)).isEqualTo("0.10");
    }

    @Test
    void rstripRemovesTrailingPythonWhitespaceOnly() {
        assertThat(PyText.rstrip("  a b \t\u00a0\r")).isEqualTo("  a b");
    }
}
