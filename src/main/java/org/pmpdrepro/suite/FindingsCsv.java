package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.io.AtomicFiles;

/**
 * Writes an ablation's findings as CSV: one row per (comparison, metric), with the two-sided p-value raw and, for
 * the headline family, Holm-adjusted, the minimum detectable effect, and the agreement with the paper.
 */
public final class FindingsCsv {

    static final String[] HEADER = {"ablation", "comparison", "task", "pair", "system", "baseline", "metric", "role",
            "system_value", "baseline_value", "difference", "ci95_lower", "ci95_upper", "mde80", "p_value", "p_holm",
            "significant_holm", "paper_direction", "agrees_with_paper", "claim_verdict", "paper_claim", "samples",
            "signature"};

    private FindingsCsv() {}

    public static void write(Path file, List<Finding> findings) throws IOException {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (Finding f : findings) {
                Comparison c = f.comparison();
                p.printRecord(c.ablation().id(), c.displayName(), c.system().task().id(), c.system().pair(),
                        c.system().backbone() + " " + c.system().scheduler(),
                        c.baseline().backbone() + " " + c.baseline().scheduler(), f.metric(), f.role().id(),
                        f.systemValue(), f.baselineValue(), f.difference(), f.ciLower(), f.ciUpper(),
                        f.minimumDetectableEffect(), f.pValue(), f.pHolm(),
                        f.role() == Finding.Role.HEADLINE ? Boolean.toString(f.significantAfterHolm()) : "",
                        f.claim().direction().name().toLowerCase(Locale.ROOT), f.agrees(), f.claimVerdict(),
                        f.claim().text(), f.samples(), f.signature());
            }
        }
        AtomicFiles.writeText(file, out.toString());
    }
}
