package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TensorTest {

    @Test
    void transposingAMatrixSwapsRowsAndColumnsAndTwiceGivesItBack() {
        Tensor m = new Tensor("w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor t = m.transposed();
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.data()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(t.name()).isEqualTo("w");
        assertThat(t.transposed().data()).containsExactly(m.data());
        assertThat(t.dims()).containsExactly(3L, 2L);
    }

    @Test
    void onlyMatricesTranspose() {
        Tensor v = new Tensor("norm", new int[] {3}, new float[] {1, 2, 3});
        assertThatThrownBy(v::transposed).hasMessageContaining("'norm'").hasMessageContaining("[3]");
    }
}
