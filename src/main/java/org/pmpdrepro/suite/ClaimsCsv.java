package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.io.AtomicFiles;

/**
 * Writes an ablation's claim instances as CSV: the evidence, raw and Holm-adjusted one-sided p-values, the minimum
 * detectable effect, the verdict and the expected verdict, and the name of the instance's test in the report.
 */
public final class ClaimsCsv {

    static final String[] HEADER = {"claim", "ablation", "task", "pair", "test_name", "statement", "system",
            "baseline", "metric", "criterion", "margin", "gap", "threshold", "system_value", "baseline_value",
            "difference", "ci95_lower", "ci95_upper", "mde80", "p_criterion", "p_criterion_holm", "p_contradiction",
            "p_contradiction_holm", "family", "system_bytes_per_token", "baseline_bytes_per_token", "verdict",
            "expected_verdict", "reason"};

    private ClaimsCsv() {}

    public static void write(Path file, List<ClaimResult> results, ExpectedVerdicts expected) throws IOException {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (ClaimResult r : results) {
                ClaimInstance i = r.instance();
                Claim c = i.claim();
                p.printRecord(c.id(), c.ablation().id(), i.task().id(), i.pair(), i.displayName(), c.statement(),
                        c.system(), c.baseline(), i.metric(), c.criterion().id(), c.margin(), r.gap(), r.threshold(),
                        r.systemValue(), r.baselineValue(), r.difference(), r.ciLower(), r.ciUpper(),
                        r.minimumDetectableEffect(), r.pCriterion(), r.pCriterionHolm(), r.pContradiction(),
                        r.pContradictionHolm(), r.familyDescription(), r.systemBytes(), r.baselineBytes(),
                        r.verdict().id(), expected.find(i).map(e -> e.verdict().id()).orElse(""), r.reason());
            }
        }
        AtomicFiles.writeText(file, out.toString());
    }
}
