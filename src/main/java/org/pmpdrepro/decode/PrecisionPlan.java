package org.pmpdrepro.decode;

/**
 * The weight precision of every forward pass of a generation, per prompt.
 *
 * <p>Step numbering follows the paper's code: the prefill produces the first generated token; decode step
 * {@code s >= 1} consumes token {@code s} and produces token {@code s + 1}. Average bit-width counts decode steps
 * only (prefill and first token excluded).
 *
 * <p>A static plan answers from the prompt index and step alone. An adaptive plan (one that decides from the
 * decode's own state, as PMPD's learned and confidence schedulers do) overrides {@link #start()}: each generation
 * gets a fresh {@link ScheduleSession}, and {@link #prefill}/{@link #decode} are then never called by the decoder.
 */
public interface PrecisionPlan {

    /** Precision of the prefill of prompt {@code prompt} (its index in the decoded list). */
    Precision prefill(int prompt);

    /** Precision of decode step {@code step >= 1} of prompt {@code prompt}. */
    Precision decode(int prompt, int step);

    /** The session of one generation; a static plan's session just answers from {@link #prefill}/{@link #decode}. */
    default ScheduleSession start() {
        PrecisionPlan plan = this;
        return new ScheduleSession() {
            @Override
            public Precision prefill(int prompt) {
                return plan.prefill(prompt);
            }

            @Override
            public Precision decode(int prompt, int step) {
                return plan.decode(prompt, step);
            }
        };
    }

    /** Every pass at one precision: no switching at all. */
    static PrecisionPlan fixed(Precision precision) {
        return phaseAware(precision, precision);
    }

    /** One precision for the prefill, another for every decode step. */
    static PrecisionPlan phaseAware(Precision prefill, Precision decode) {
        return new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                return prefill;
            }

            @Override
            public Precision decode(int prompt, int step) {
                return decode;
            }
        };
    }
}
