package org.pmpdrepro.quant.haq;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One HAQ search: the policy it produces and the budget it must meet.
 *
 * @param policyName the name of the resulting policy ({@code haq-4}, say)
 * @param budget the largest allowed parameter-weighted average bit-width
 * @param minBits the lowest width an action maps to (and over-budget policies are lowered to)
 * @param maxBits the highest width an action maps to
 * @param episodes episodes to run, warm-up included
 * @param seed seeds the agent's initialisation and exploration
 * @param agent the agent's hyper-parameters
 */
public record SearchConfig(String policyName, BigDecimal budget, int minBits, int maxBits, int episodes, long seed,
        AgentConfig agent) {

    public SearchConfig {
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(agent, "agent");
        if (minBits < 1 || maxBits > 8 || minBits > maxBits) {
            throw new IllegalArgumentException("bit range " + minBits + ".." + maxBits + "; expected 1 <= min <= max"
                    + " <= 8");
        }
        if (budget.compareTo(BigDecimal.valueOf(minBits)) < 0) {
            throw new IllegalArgumentException("budget " + budget.toPlainString() + " is below the lowest width "
                    + minBits);
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
        return policyName + "|" + budget.toPlainString() + "|" + minBits + ".." + maxBits + "|" + episodes + "|"
                + seed + "|" + agent;
    }
}
