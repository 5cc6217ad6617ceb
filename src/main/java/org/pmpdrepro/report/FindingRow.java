package org.pmpdrepro.report;

/**
 * One effect an ablation measured, as the report shows it: treatment minus control on one metric, with its
 * paired-bootstrap 95% interval, its two-sided p-value raw and Holm-adjusted (NaN outside the headline family), its
 * minimum detectable effect, and whether it agrees with the paper as the suite concluded ({@code yes}, {@code no},
 * {@code inconclusive}, {@code n/a}).
 *
 * @param ablation e.g. {@code a1}
 * @param task the task and pair both arms decoded, e.g. {@code debsum 4>3}
 * @param treatment e.g. {@code any-precision · static}
 * @param control e.g. {@code any-precision · none-high}
 * @param role {@code headline}, {@code secondary}, {@code duplicate of sacrebleu/100} or {@code exact}
 * @param claim the pre-registered claim that decided the agreement, with its verdict; empty when none
 */
public record FindingRow(String ablation, String task, String treatment, String control, String metric, String role,
        double effect, double ciLower, double ciUpper, double mde, double pValue, double pHolm, String agreement,
        String claim) {

    public FindingRow {
        if (!(ciLower <= effect && effect <= ciUpper) && !Double.isNaN(effect)) {
            throw new IllegalArgumentException("finding " + ablation + " " + task + " " + treatment + " vs " + control
                    + " on " + metric + ": effect " + effect + " lies outside its interval [" + ciLower + ", "
                    + ciUpper + "]");
        }
        if (agreement == null || role == null || claim == null) {
            throw new IllegalArgumentException("finding " + ablation + " " + task + " " + treatment + " vs "
                    + control + " on " + metric + ": agreement, role and claim must be given (empty for none)");
        }
    }

    /** Whether the suite found the effect against the paper (a significant opposite effect, a contradicted claim). */
    public boolean disagrees() {
        return agreement.equals("no");
    }
}
