package org.pmpdrepro.pmpd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.decode.PrecisionPlan;

/**
 * PMPD's prompt-agnostic scheduler: one switch point per task, chosen by {@link StaticSearch} on the calibration
 * split.
 *
 * @param source the search file the switch point was read from (or how it was given)
 */
public record StaticScheduler(PrecisionPair pair, int switchPoint, String source) implements Scheduler {

    public StaticScheduler {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(source, "source");
        if (switchPoint < 0) {
            throw new IllegalArgumentException("static switch point " + switchPoint + ": expected at least 0");
        }
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pair", pair.label());
        m.put("switch_point", switchPoint);
        m.put("source", source);
        return m;
    }

    @Override
    public PrecisionPlan plan(int maxNewTokens) {
        return ProgressivePlan.uniform(pair, switchPoint);
    }
}
