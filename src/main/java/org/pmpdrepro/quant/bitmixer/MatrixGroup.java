package org.pmpdrepro.quant.bitmixer;

import java.util.List;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The matrices of a block that Bit-Mixer keeps at one bit-width: those reading the same normalised input share
 * it, so the per-width norm gain in front of them is well defined ({@link BlockNorm#follows()}).
 */
public enum MatrixGroup {
    QKV(List.of(Linear.Q, Linear.K, Linear.V)),
    O(List.of(Linear.O)),
    GATE_UP(List.of(Linear.GATE, Linear.UP)),
    DOWN(List.of(Linear.DOWN));

    private final List<Linear> members;

    MatrixGroup(List<Linear> members) {
        this.members = members;
    }

    public List<Linear> members() {
        return members;
    }

    public static MatrixGroup of(Linear proj) {
        return switch (proj) {
            case Q, K, V -> QKV;
            case O -> O;
            case GATE, UP -> GATE_UP;
            case DOWN -> DOWN;
        };
    }
}
