package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.io.AtomicFiles;

/** Writes an ablation's findings as CSV: one row per (comparison, metric), the task's own metrics marked primary. */
public final class FindingsCsv {

    static final String[] HEADER = {"ablation", "comparison", "task", "pair", "system", "baseline", "metric",
            "primary", "system_value", "baseline_value", "difference", "ci95_lower", "ci95_upper", "p_value",
            "significant", "paper_direction", "agrees_with_paper", "paper_claim", "samples", "signature"};

    private FindingsCsv() {}

    public static void write(Path file, List<Finding> findings) throws IOException {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (Finding f : findings) {
                Comparison c = f.comparison();
                p.printRecord(c.ablation().id(), c.displayName(), c.system().task().id(), c.system().pair(),
                        c.system().backbone() + " " + c.system().scheduler(),
                        c.baseline().backbone() + " " + c.baseline().scheduler(), f.metric(), f.primary(),
                        f.systemValue(), f.baselineValue(), f.difference(), f.ciLower(), f.ciUpper(), f.pValue(),
                        f.significant(), f.claim().direction().name().toLowerCase(java.util.Locale.ROOT), f.agrees(),
                        f.claim().text(), f.samples(), f.signature());
            }
        }
        AtomicFiles.writeText(file, out.toString());
    }
}
