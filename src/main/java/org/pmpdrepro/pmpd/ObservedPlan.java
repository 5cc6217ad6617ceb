package org.pmpdrepro.pmpd;

import org.pmpdrepro.decode.DecodeObserver;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;

/**
 * A plan whose sessions also report to a {@link DecodeObserver}: how the fitting code records what a decode saw (the
 * high-precision prefill's cache, every pass's top probability) without changing what is decoded.
 */
final class ObservedPlan {

    private ObservedPlan() {}

    /** The decoder asks only the sessions of a plan it is given, so the wrapper answers through them alone. */
    static PrecisionPlan of(PrecisionPlan plan, DecodeObserver observer) {
        return new Scheduler.Adaptive() {
            @Override
            public ScheduleSession start() {
                ScheduleSession inner = plan.start();
                return new ScheduleSession() {
                    @Override
                    public Precision prefill(int prompt) {
                        return inner.prefill(prompt);
                    }

                    @Override
                    public Precision decode(int prompt, int step) {
                        return inner.decode(prompt, step);
                    }

                    @Override
                    public boolean observesCache() {
                        return inner.observesCache() || observer.observesCache();
                    }

                    @Override
                    public boolean observesConfidence() {
                        return inner.observesConfidence() || observer.observesConfidence();
                    }

                    @Override
                    public void afterPrefill(int prompt, LayerKv lastLayer) {
                        inner.afterPrefill(prompt, lastLayer);
                        observer.afterPrefill(prompt, lastLayer);
                    }

                    @Override
                    public void afterStep(int prompt, int step, double topProbability) {
                        inner.afterStep(prompt, step, topProbability);
                        observer.afterStep(prompt, step, topProbability);
                    }
                };
            }
        };
    }
}
