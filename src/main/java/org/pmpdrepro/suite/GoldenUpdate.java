package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.StaleScratch;
import org.pmpdrepro.io.UpdateLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Update mode: goldens rewritten from the current run ({@code -Dgolden.update=true}). Never the default, and refused
 * when the environment variable {@code CI} is set, since a CI run that rewrote its own expectations could not fail.
 */
public final class GoldenUpdate {

    private static final Logger LOG = LoggerFactory.getLogger(GoldenUpdate.class);

    /** The system property that turns update mode on. */
    public static final String PROPERTY = "golden.update";

    private GoldenUpdate() {}

    /**
     * Whether update mode is on.
     *
     * @throws IllegalStateException when it is on and {@code CI} is set in {@code env}
     */
    public static boolean requested(String propertyValue, Map<String, String> env) {
        boolean on = propertyValue != null && propertyValue.strip().equalsIgnoreCase("true");
        String ci = env.get("CI");
        if (on && ci != null && !ci.isBlank()) {
            throw new IllegalStateException("-D" + PROPERTY + "=true is refused because the environment variable CI"
                    + " is set (CI=" + ci + "): goldens are rewritten only by a deliberate local run, never by CI");
        }
        return on;
    }

    /** A cell's new golden: its row and its outputs. */
    public record Fresh(GoldenRow row, GoldenOutputs outputs) {

        /** The golden of {@code o}, decoded on {@code configuration} in {@code env}, made at {@code commit} on {@code date}. */
        public static Fresh of(CellOutcome o, DecodeConfiguration configuration, RunEnvironment env, String commit,
                String date) {
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            SuiteMetrics.ALL.forEach(m -> metrics.put(m, o.value(m)));
            GoldenRow row = new GoldenRow(o.cell().ablation().id(), o.cell().id(), o.sampleCount(),
                    GoldenFile.outputsName(o.cell().id()), GoldenCheck.referencesSha256(o.references()),
                    o.averageBits(), o.bytesPerToken(), o.residentBytes(), metrics, configuration,
                    env.modelSha256(), env.fixturesSha256(), commit, date);
            return new Fresh(row, GoldenOutputs.of(o.samples()));
        }
    }

    /**
     * Merges {@code fresh} into the golden file as it is now, writes each cell's outputs file and then the CSV, each
     * atomically, and returns the diff: one line per new or changed cell, and an unchanged-count summary. The file is
     * re-read, merged and written under an {@link UpdateLock}, so runs that update it concurrently (shards of one
     * checkout) keep each other's rows; scratch that killed updates left beside it is removed first.
     */
    public static Result apply(Path file, Collection<Fresh> fresh) throws IOException {
        return apply(file, fresh, row -> true);
    }

    /**
     * As {@link #apply(Path, Collection)}, also removing every row {@code inGrid} rejects, with its outputs file: the
     * cells the grid no longer has (an arm renamed or dropped), which no run would ever rewrite. Each removed cell is
     * a line of the diff.
     */
    public static Result apply(Path file, Collection<Fresh> fresh, Predicate<GoldenRow> inGrid) throws IOException {
        UpdateLock lock = UpdateLock.acquire(file);
        try {
            Path dir = file.toAbsolutePath().getParent();
            for (Path stale : StaleScratch.remove(dir, name -> AtomicFiles.isScratchOf(file, name))) {
                LOG.info("golden update: removed {}, left by an update that did not finish", stale);
            }
            GoldenFile current = GoldenFile.readOrEmpty(file);
            List<String> diff = new ArrayList<>();
            List<Path> retired = new ArrayList<>();
            for (GoldenFile.Located l : current.rows()) {
                if (!inGrid.test(l.row())) {
                    diff.add(String.format(Locale.ROOT, "- %s (its cell is not in the grid; was %s)", l.row().cell(),
                            l.where()));
                    retired.add(l.outputsFile());
                }
            }
            diff.addAll(diff(current, fresh));
            Set<String> names = new HashSet<>();
            for (Fresh f : fresh) {
                if (!names.add(f.row().outputs())) {
                    throw new IllegalStateException("two cells would share the outputs file " + f.row().outputs());
                }
                f.outputs().write(dir.resolve(f.row().outputs()));
            }
            GoldenFile written = current.without(inGrid.negate()).withRows(fresh.stream().map(Fresh::row).toList())
                    .write();
            for (Path r : retired) {
                Files.deleteIfExists(r);
            }
            return new Result(written, diff);
        } finally {
            lock.close();
        }
    }

    /** The rewritten file and what changed in it. */
    public record Result(GoldenFile file, List<String> diff) {}

    /** Every cell whose outputs or numbers differ between {@code old} and {@code fresh}, and every new cell. */
    public static List<String> diff(GoldenFile old, Collection<Fresh> fresh) {
        List<String> lines = new ArrayList<>();
        int unchanged = 0;
        for (Fresh f : fresh) {
            GoldenRow row = f.row();
            Optional<GoldenFile.Located> before = old.find(row.cell());
            if (before.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "+ %s (new): %d prompts, %s, average bits %.4f", row.cell(),
                        row.samples(), metrics(row), row.averageBits()));
                continue;
            }
            GoldenRow b = before.get().row();
            List<String> changes = new ArrayList<>();
            int changedPrompts = changedPrompts(before.get(), f.outputs());
            if (changedPrompts != 0) {
                changes.add(changedPrompts < 0 ? "outputs not comparable" : changedPrompts + " of " + row.samples()
                        + " prompts changed");
            }
            for (String m : SuiteMetrics.ALL) {
                if (Double.compare(b.metric(m), row.metric(m)) != 0) {
                    changes.add(String.format(Locale.ROOT, "%s %.6g -> %.6g (Δ %+.4g)", m, b.metric(m), row.metric(m),
                            row.metric(m) - b.metric(m)));
                }
            }
            numberChange(changes, "average bits", b.averageBits(), row.averageBits());
            numberChange(changes, "bytes per token", b.bytesPerToken(), row.bytesPerToken());
            numberChange(changes, "resident bytes", b.residentBytes(), row.residentBytes());
            if (!b.configuration().equals(row.configuration())) {
                changes.add("configuration " + String.join(", ", b.configuration().differencesTo(row.configuration())));
            }
            if (changes.isEmpty()) {
                unchanged++;
            } else {
                lines.add("~ " + row.cell() + ": " + String.join("; ", changes) + " (was " + before.get().where() + ")");
            }
        }
        lines.add(unchanged + " of " + fresh.size() + " rewritten cells unchanged");
        return lines;
    }

    /** How many prompts differ from the old outputs file; -1 when it cannot be read or lists other prompts. */
    private static int changedPrompts(GoldenFile.Located before, GoldenOutputs fresh) {
        GoldenOutputs old;
        try {
            old = GoldenOutputs.read(before.outputsFile());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return -1;
        }
        if (old.size() != fresh.size()) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < old.size(); i++) {
            if (!old.prompts().get(i).equals(fresh.prompts().get(i))) {
                n++;
            }
        }
        return n;
    }

    private static void numberChange(List<String> changes, String name, double before, double after) {
        if (Double.compare(before, after) != 0) {
            changes.add(String.format(Locale.ROOT, "%s %s -> %s", name, before, after));
        }
    }

    private static String metrics(GoldenRow row) {
        return String.join(", ", SuiteMetrics.ALL.stream()
                .map(m -> String.format(Locale.ROOT, "%s %.4f", m, row.metric(m))).toList());
    }
}
