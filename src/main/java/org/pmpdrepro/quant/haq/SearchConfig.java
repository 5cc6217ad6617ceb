package org.pmpdrepro.quant.haq;

import java.util.Objects;

/**
 * One HAQ search: the policy it produces and the budget it must meet.
 *
 * @param policyName the name of the resulting policy ({@code haq-4}, say)
 * @param nominalBits the width whose Any-Precision bytes are the budget: a policy may read at most the weight bytes
 *     (codes and tables) Any-Precision reads at this width ({@link ByteBudget#anyPrecisionBytes})
 * @param minBits the lowest width an action maps to (and over-budget policies are lowered to)
 * @param maxBits the highest width an action maps to
 * @param episodes episodes to run, warm-up included
 * @param seed seeds the agent's initialisation and exploration
 * @param agent the agent's hyper-parameters
 */
public record SearchConfig(String policyName, int nominalBits, int minBits, int maxBits, int episodes, long seed,
        AgentConfig agent) {

    public SearchConfig {
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(agent, "agent");
        if (minBits < 1 || maxBits > 8 || minBits > maxBits) {
            throw new IllegalArgumentException("bit range " + minBits + ".." + maxBits + "; expected 1 <= min <= max"
                    + " <= 8");
        }
        if (nominalBits < minBits || nominalBits > maxBits) {
            throw new IllegalArgumentException("nominal width " + nominalBits + " outside the bit range " + minBits
                    + ".." + maxBits + "; its bytes would not buy a policy of those widths");
        }
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes " + episodes + "; expected at least 1");
        }
    }

    /**
     * The width an action in [0, 1] stands for: the original's mapping, which gives every width an equal share of
     * the interval ({@code round(a * (max - min + 1) + min - 1/2)}, clamped).
     */
    public int bitsFor(double action) {
        double lower = minBits - 0.5;
        double upper = maxBits + 0.5;
        long b = Math.round((upper - lower) * action + lower);
        return (int) Math.max(minBits, Math.min(maxBits, b));
    }

    /** Everything that changes the search's result, for checkpoint keys. */
    String key() {
        return policyName + "|bytes of any-precision at " + nominalBits + "|" + minBits + ".." + maxBits + "|" + episodes + "|"
                + seed + "|" + agent;
    }
}
