package org.pmpdrepro.pmpd;

/**
 * Switch points {@code s}: the number of high-precision decode steps before the single switch to low precision.
 * The learned scheduler's four classes mean {@code s = [0, N/3, 2N/3, N][k]} for {@code N} max new tokens (integer
 * division, as the paper's code); {@code s = N} never switches.
 */
public final class SwitchPoints {

    /** Number of classes of the learned scheduler. */
    public static final int CLASSES = 4;

    private SwitchPoints() {}

    /** The paper's four candidates {@code [0, N/3, 2N/3, N]}, with its code's rounding {@code (N / 3) * 2}. */
    public static int[] candidates(int maxNewTokens) {
        requirePositive(maxNewTokens);
        return new int[] {0, maxNewTokens / 3, maxNewTokens / 3 * 2, maxNewTokens};
    }

    /** The switch point class {@code k} stands for. */
    public static int ofClass(int k, int maxNewTokens) {
        if (k < 0 || k >= CLASSES) {
            throw new IllegalArgumentException("switch class " + k + " outside 0.." + (CLASSES - 1));
        }
        return candidates(maxNewTokens)[k];
    }

    /**
     * The {@link #candidates} plus {@code points} evenly spaced switch points from 0 to {@code N} inclusive
     * ({@code points >= 2}), ascending, without duplicates: a finer static-search grid that always contains the
     * paper's.
     */
    public static int[] grid(int maxNewTokens, int points) {
        requirePositive(maxNewTokens);
        if (points < 2) {
            throw new IllegalArgumentException("switch-point grid of " + points + " points: expected at least 2");
        }
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (int c : candidates(maxNewTokens)) {
            out.add(c);
        }
        for (int i = 0; i < points; i++) {
            out.add((int) ((long) i * maxNewTokens / (points - 1)));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void requirePositive(int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + ": expected at least 1");
        }
    }
}
