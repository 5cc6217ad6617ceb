package org.pmpdrepro.pmpd;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;

/**
 * PMPD's task-agnostic scheduler: after the prefill and the first token, {@link SwitchClassifier} reads the prompt's
 * last-layer KV cache and picks a class {@code k}, meaning switch point {@code [0, N/3, 2N/3, N][k]}.
 *
 * @param source the committed weights file
 */
public record LearnedScheduler(PrecisionPair pair, SwitchClassifier classifier, String source) implements Scheduler {

    public LearnedScheduler {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pair", pair.label());
        m.put("weights", source);
        return m;
    }

    @Override
    public PrecisionPlan plan(int maxNewTokens) {
        SwitchPoints.candidates(maxNewTokens);
        return new Adaptive() {
            @Override
            public ScheduleSession start() {
                return new Session(maxNewTokens);
            }
        };
    }

    private final class Session implements ScheduleSession {
        private final int maxNewTokens;
        private final Map<Integer, Integer> switchPoints = new HashMap<>();

        Session(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
        }

        @Override
        public boolean observesCache() {
            return true;
        }

        @Override
        public Precision prefill(int prompt) {
            return pair.high();
        }

        @Override
        public void afterPrefill(int prompt, LayerKv lastLayer) {
            int k = classifier.predict(CacheFeatures.of(lastLayer));
            switchPoints.put(prompt, SwitchPoints.ofClass(k, maxNewTokens));
        }

        @Override
        public Precision decode(int prompt, int step) {
            Integer s = switchPoints.get(prompt);
            if (s == null) {
                throw new IllegalStateException("prompt " + prompt + ": decode step " + step
                        + " asked before its cache was classified");
            }
            return ProgressivePlan.at(pair, s, step);
        }
    }
}
