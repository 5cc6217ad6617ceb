package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;

/**
 * The confidence baseline: decode at high precision while watching the top softmax probability; the first
 * {@code warmup} generated tokens (the prefill's included) set a threshold of their mean + {@code stds} standard
 * deviations (population), and once a later token's top probability exceeds it, every following step runs at the
 * low precision. {@code confidence} is the public code's rule; {@code confidence-matched} has its warm-up and
 * multiplier (which may be negative: a threshold below the warm-up mean) fitted so that it spends the static
 * scheduler's bits ({@link BaselineCalibration}).
 */
public record ConfidenceScheduler(String name, PrecisionPair pair, int warmup, double stds) implements Scheduler {

    public ConfidenceScheduler {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pair, "pair");
        if (warmup < 1 || !Double.isFinite(stds)) {
            throw new IllegalArgumentException("confidence scheduler: warm-up " + warmup + " tokens, " + stds
                    + " standard deviations; expected at least 1 token and a finite multiplier");
        }
    }

    /** The rule with the uncalibrated baseline's name. */
    public ConfidenceScheduler(PrecisionPair pair, int warmup, double stds) {
        this("confidence", pair, warmup, stds);
    }

    /** The public code's rule: mean + 1 std of the first 10 tokens. */
    public static ConfidenceScheduler defaults(PrecisionPair pair) {
        return new ConfidenceScheduler(pair, 10, 1.0);
    }

    /** The rule with a fitted warm-up and multiplier, named {@code confidence-matched}. */
    public static ConfidenceScheduler matched(PrecisionPair pair, int warmup, double stds) {
        return new ConfidenceScheduler("confidence-matched", pair, warmup, stds);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pair", pair.label());
        m.put("warmup", warmup);
        m.put("stds", stds);
        return m;
    }

    /**
     * The first decode step that runs at low precision for the top probabilities {@code top} of the generated
     * tokens ({@code top[0]} from the prefill), or {@code top.length} when the rule never fires within them.
     */
    public int firstLowStep(double[] top) {
        Rule rule = new Rule();
        for (int step = 0; step < top.length; step++) {
            rule.observe(step, top[step]);
            if (rule.switched) {
                return step + 1;
            }
        }
        return top.length;
    }

    @Override
    public PrecisionPlan plan(int maxNewTokens) {
        return new Scheduler.Adaptive() {
            @Override
            public ScheduleSession start() {
                return new Session();
            }
        };
    }

    /** One prompt's state: warm-up probabilities, then the threshold, then whether it has fired. */
    private final class Rule {
        private final List<Double> seen = new ArrayList<>();
        private double threshold = Double.NaN;
        private boolean switched;

        void observe(int step, double p) {
            if (switched) {
                return;
            }
            if (step < warmup) {
                seen.add(p);
                if (seen.size() == warmup) {
                    double mean = seen.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    double var = seen.stream().mapToDouble(x -> (x - mean) * (x - mean)).average().orElseThrow();
                    threshold = mean + stds * Math.sqrt(var);
                }
            } else if (p > threshold) {
                switched = true;
            }
        }
    }

    private final class Session implements ScheduleSession {
        private final Map<Integer, Rule> rules = new HashMap<>();

        @Override
        public boolean observesConfidence() {
            return true;
        }

        @Override
        public Precision prefill(int prompt) {
            return pair.high();
        }

        @Override
        public void afterStep(int prompt, int step, double topProbability) {
            rules.computeIfAbsent(prompt, p -> new Rule()).observe(step, topProbability);
        }

        @Override
        public Precision decode(int prompt, int step) {
            Rule r = rules.get(prompt);
            return r != null && r.switched ? pair.low() : pair.high();
        }
    }
}
