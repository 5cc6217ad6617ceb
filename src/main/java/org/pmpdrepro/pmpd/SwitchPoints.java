package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.List;

/**
 * Switch points {@code s}: the number of high-precision decode steps before the single switch to low precision.
 * The learned scheduler's four classes mean {@code s = [0, N/3, 2N/3, N][k]} for {@code N} max new tokens (integer
 * division, as the paper's code); {@code s = N} never switches.
 */
public final class SwitchPoints {

    /** Number of classes of the learned scheduler. */
    public static final int CLASSES = 4;

    private SwitchPoints() {}

    /** The paper's four candidates {@code [0, N/3, 2N/3, N]}. */
    public static int[] candidates(int maxNewTokens) {
        requirePositive(maxNewTokens);
        return new int[] {0, maxNewTokens / 3, 2 * maxNewTokens / 3, maxNewTokens};
    }

    /** The switch point class {@code k} stands for. */
    public static int ofClass(int k, int maxNewTokens) {
        if (k < 0 || k >= CLASSES) {
            throw new IllegalArgumentException("switch class " + k + " outside 0.." + (CLASSES - 1));
        }
        return candidates(maxNewTokens)[k];
    }

    /**
     * A grid of {@code points} evenly spaced switch points from 0 to {@code N} inclusive ({@code points >= 2});
     * with 4 points this is {@link #candidates}. Duplicates (small {@code N}) are dropped.
     */
    public static int[] grid(int maxNewTokens, int points) {
        requirePositive(maxNewTokens);
        if (points < 2) {
            throw new IllegalArgumentException("switch-point grid of " + points + " points: expected at least 2");
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            int s = (int) ((long) i * maxNewTokens / (points - 1));
            if (out.isEmpty() || out.get(out.size() - 1) != s) {
                out.add(s);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void requirePositive(int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + ": expected at least 1");
        }
    }
}
