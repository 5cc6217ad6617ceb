package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ReaderContractTest {

    private final ReaderContract contract = ReaderContract.refusingWith("in.json", IOException.class);

    @Test
    @DisplayName("a reader that returns, or refuses with its own exception naming the input, keeps the contract")
    void ownRefusalNamingTheInput() {
        assertThatCode(() -> contract.check(() -> {})).doesNotThrowAnyException();
        assertThatCode(() -> contract.check(() -> {
            throw new IOException("in.json: line 3: expected a number");
        })).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("any other exception is passed on as it is, for the fuzzer to record")
    void otherExceptionsPassThrough() {
        NullPointerException npe = new NullPointerException();
        assertThatThrownBy(() -> contract.check(() -> {
            throw npe;
        })).isSameAs(npe);
    }

    @Test
    @DisplayName("the project's own exception without the input's name in its message breaks the contract")
    void ownRefusalThatDoesNotNameTheInput() {
        assertThatThrownBy(() -> contract.check(() -> {
            throw new IOException("Input length = 1");
        })).isInstanceOf(AssertionError.class).hasMessageContaining("does not name in.json");
    }

    @Test
    @DisplayName("a reader that allocates more than the bound for one input breaks the contract")
    void allocationBeyondTheBound() {
        int chunk = 64 << 20;
        byte[][] kept = new byte[1][];
        assertThatThrownBy(() -> contract.check(() -> {
            for (long done = 0; done <= ReaderContract.MAX_ALLOCATED_BYTES; done += chunk) {
                kept[0] = new byte[chunk];
            }
        })).isInstanceOf(AssertionError.class).hasMessageContaining("bytes for one input");
    }

    @Test
    @DisplayName("allocation beyond the bound on the first run only (classes loaded on first use) is not the reader's")
    void allocationBeyondTheBoundOnTheFirstRunOnly() {
        int chunk = 64 << 20;
        byte[][] kept = new byte[1][];
        int[] runs = {0};
        assertThatCode(() -> contract.check(() -> {
            if (runs[0]++ == 0) {
                for (long done = 0; done <= ReaderContract.MAX_ALLOCATED_BYTES; done += chunk) {
                    kept[0] = new byte[chunk];
                }
            }
        })).doesNotThrowAnyException();
    }
}
