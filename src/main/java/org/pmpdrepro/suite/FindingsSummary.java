package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.io.AtomicFiles;

/**
 * An ablation's conclusions as the markdown tables of {@code docs/results.md}: the headline difference of every comparison per task
 * and pair with its agreement with the paper, and the verdict of every claim instance. Written beside the findings
 * CSV so that the tables of {@code docs/results.md} are copied from a run, not typed.
 */
final class FindingsSummary {

    private FindingsSummary() {}

    static void write(Path file, Ablation ablation, SuiteSession.Conclusions c, Collection<CellOutcome> outcomes)
            throws IOException {
        AtomicFiles.writeText(file, markdown(ablation, c) + bytes(ablation, outcomes));
    }

    /**
     * For A2, what each cell reads: the paper's average bits and the weight bytes per decode step, with the ratio to
     * Any-Precision's cell of the same task, pair and scheduler (the comparisons are meant at equal bytes, within
     * {@code quant.EqualBytes#TOLERANCE}); empty for A1, whose arms share one back-bone.
     */
    static String bytes(Ablation ablation, Collection<CellOutcome> outcomes) {
        if (ablation != Ablation.REPLACE_PTQ_METHOD) {
            return "";
        }
        Map<String, CellOutcome> byKey = new LinkedHashMap<>();
        outcomes.stream().filter(o -> o.cell().ablation() == ablation).forEach(o -> byKey.put(key(o.cell(),
                o.cell().backbone()), o));
        Set<String> columns = new LinkedHashSet<>();
        Map<String, Map<String, String>> rows = new java.util.TreeMap<>();
        for (CellOutcome o : byKey.values()) {
            Cell cell = o.cell();
            String column = cell.task().id() + " " + cell.pair();
            columns.add(column);
            CellOutcome reference = byKey.get(key(cell, "any-precision"));
            String ratio = reference == null || !(reference.bytesPerToken() > 0) ? ""
                    : String.format(Locale.ROOT, " (%+.1f%%)",
                            100 * (o.bytesPerToken() / reference.bytesPerToken() - 1));
            rows.computeIfAbsent(cell.backbone() + " " + cell.scheduler(), k -> new LinkedHashMap<>()).put(column,
                    String.format(Locale.ROOT, "%.3f b · %,.0f B%s", o.averageBits(), o.bytesPerToken(),
                            cell.backbone().equals("any-precision") ? "" : ratio));
        }
        StringBuilder b = new StringBuilder("\nWhat each cell reads: the paper's average bits (b) and the weight bytes"
                + " per decode step (B), with the difference from Any-Precision's cell of the same task, pair and"
                + " scheduler.\n\n");
        table(b, "back-bone scheduler", columns, rows);
        return b.toString();
    }

    private static String key(Cell cell, String backbone) {
        return cell.task().id() + "/" + cell.pair() + "/" + backbone + "/" + cell.scheduler();
    }

    static String markdown(Ablation ablation, SuiteSession.Conclusions c) {
        StringBuilder b = new StringBuilder();
        b.append("**").append(ablation.id().toUpperCase(Locale.ROOT)).append(" · ").append(ablation.title())
                .append("**: headline difference (system − baseline; Rouge-L, SacreBLEU on debtrans) with its paired"
                        + " bootstrap 95% interval; `*` Holm-adjusted two-sided p < 0.05 over the ablation's headline"
                        + " family; ✓ agrees with the paper, ✗ disagrees, ? inconclusive (golden/CLAIMS.md).\n\n");
        Set<String> columns = new LinkedHashSet<>();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (Finding f : c.findings()) {
            if (f.role() != Finding.Role.HEADLINE && f.role() != Finding.Role.EXACT) {
                continue;
            }
            Comparison cmp = f.comparison();
            String column = cmp.system().task().id() + " " + cmp.system().pair();
            columns.add(column);
            String row = (cmp.system().backbone().equals(cmp.baseline().backbone())
                    ? cmp.system().scheduler() + " vs " + cmp.baseline().scheduler()
                    : cmp.arms()) + (f.role() == Finding.Role.EXACT ? " · resident bytes" : "");
            rows.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(column, entry(f));
        }
        table(b, "comparison", columns, rows);
        b.append("\nClaims (golden/claims.csv): verdict, with δ against the threshold.\n\n");
        Set<String> claimColumns = new LinkedHashSet<>();
        Map<String, Map<String, String>> claimRows = new LinkedHashMap<>();
        for (ClaimResult r : c.claims()) {
            String column = r.instance().task().id() + " " + r.instance().pair();
            claimColumns.add(column);
            claimRows.computeIfAbsent(r.instance().claim().id(), k -> new LinkedHashMap<>()).put(column, verdict(r));
        }
        table(b, "claim", claimColumns, claimRows);
        if (!c.failed().isEmpty()) {
            b.append("\nNot measured (a cell failed): ").append(String.join("; ", c.failed())).append('\n');
        }
        return b.toString();
    }

    private static void table(StringBuilder b, String first, Set<String> columns, Map<String, Map<String, String>> rows) {
        List<String> cols = new ArrayList<>(columns);
        b.append("| ").append(first).append(" | ").append(String.join(" | ", cols)).append(" |\n|---|");
        cols.forEach(x -> b.append("---:|"));
        b.append('\n');
        rows.forEach((name, cells) -> {
            b.append("| ").append(name).append(" |");
            cols.forEach(col -> b.append(' ').append(cells.getOrDefault(col, "")).append(" |"));
            b.append('\n');
        });
    }

    private static String entry(Finding f) {
        String mark = switch (f.agrees()) {
            case "yes" -> " ✓";
            case "no" -> " ✗";
            case "inconclusive" -> " ?";
            default -> "";
        };
        if (f.role() == Finding.Role.EXACT) {
            return String.format(Locale.ROOT, "%+,.0f%s", f.difference(), mark);
        }
        String digits = f.metric().equals("sacrebleu") ? "%+.2f" : "%+.3f";
        return String.format(Locale.ROOT, digits, f.difference()) + (f.significantAfterHolm() ? "*" : "")
                + String.format(Locale.ROOT, " [" + digits + ", " + digits + "]", f.ciLower(), f.ciUpper()) + mark;
    }

    private static String verdict(ClaimResult r) {
        if (r.verdict() == ClaimVerdict.NOT_RUN) {
            return "not run";
        }
        if (!r.instance().claim().quality()) {
            return r.verdict().id();
        }
        String digits = r.instance().metric().equals("sacrebleu") ? "%+.2f" : "%+.3f";
        return r.verdict().id() + " (" + String.format(Locale.ROOT, digits, r.difference()) + " vs "
                + String.format(Locale.ROOT, digits, r.threshold()) + ")";
    }
}
