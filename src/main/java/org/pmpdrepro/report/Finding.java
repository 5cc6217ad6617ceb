package org.pmpdrepro.report;

/**
 * One effect an ablation measured: treatment minus control on one metric, with its paired-bootstrap 95%
 * confidence interval, set against the direction the paper reports.
 *
 * @param ablation e.g. {@code A1}
 * @param task the task both arms decoded
 * @param treatment e.g. {@code PMPD static (GPTQ 4>3)}
 * @param control e.g. {@code none-matched}
 * @param metric the metric compared
 * @param effect treatment score minus control score
 * @param ciLower lower end of the 95% interval of {@code effect}
 * @param ciUpper upper end of the 95% interval of {@code effect}
 * @param paper the sign of the effect the paper reports for this comparison
 */
public record Finding(
        String ablation,
        String task,
        String treatment,
        String control,
        String metric,
        double effect,
        double ciLower,
        double ciUpper,
        Direction paper) {

    /** The sign of an effect: which arm scores higher. */
    public enum Direction {
        TREATMENT_HIGHER,
        CONTROL_HIGHER,
        /** The paper makes no directional claim (or, measured: the interval contains zero). */
        NONE
    }

    /** How a measured effect relates to the paper's claim. */
    public enum Agreement {
        AGREES,
        DISAGREES,
        /** The interval contains zero: this run cannot tell the arms apart. */
        NOT_SIGNIFICANT,
        /** The paper claims no direction, so there is nothing to agree with. */
        NO_CLAIM
    }

    public Finding {
        if (!(ciLower <= effect && effect <= ciUpper)) {
            throw new IllegalArgumentException("finding " + ablation + " " + task + " " + treatment + " vs " + control
                    + " on " + metric + ": effect " + effect + " lies outside its interval [" + ciLower + ", "
                    + ciUpper + "]");
        }
        if (paper == null) {
            throw new IllegalArgumentException("finding " + ablation + " " + task + " " + treatment + " vs "
                    + control + " on " + metric + ": paper direction is null (use NONE for no claim)");
        }
    }

    /** The measured direction: NONE when the interval contains zero. */
    public Direction measured() {
        if (ciLower > 0) {
            return Direction.TREATMENT_HIGHER;
        }
        if (ciUpper < 0) {
            return Direction.CONTROL_HIGHER;
        }
        return Direction.NONE;
    }

    public Agreement agreement() {
        if (paper == Direction.NONE) {
            return Agreement.NO_CLAIM;
        }
        Direction measured = measured();
        if (measured == Direction.NONE) {
            return Agreement.NOT_SIGNIFICANT;
        }
        return measured == paper ? Agreement.AGREES : Agreement.DISAGREES;
    }
}
