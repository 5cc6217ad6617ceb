package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Merges {@code fresh} into the golden file as it is now, writes the result atomically and returns the diff: one
     * line per added or changed row, and an unchanged-count summary. The file is re-read, merged and written under
     * an {@link UpdateLock}, so runs that update it concurrently (shards of one checkout) keep each other's rows;
     * scratch that killed updates left beside it is removed first.
     */
    public static Result apply(Path file, Collection<GoldenRow> fresh) throws IOException {
        return apply(file, fresh, row -> true);
    }

    /**
     * As {@link #apply(Path, Collection)}, also removing every row {@code inGrid} rejects: the rows of cells the
     * grid no longer has (an arm renamed or dropped), which no run would ever rewrite. Each removed row is a line of
     * the diff.
     */
    public static Result apply(Path file, Collection<GoldenRow> fresh, Predicate<GoldenRow> inGrid)
            throws IOException {
        UpdateLock lock = UpdateLock.acquire(file);
        try {
            Path dir = file.toAbsolutePath().getParent();
            for (Path stale : StaleScratch.remove(dir, name -> AtomicFiles.isScratchOf(file, name))) {
                LOG.info("golden update: removed {}, left by an update that did not finish", stale);
            }
            GoldenFile current = GoldenFile.readOrEmpty(file);
            List<String> diff = new ArrayList<>();
            for (GoldenFile.Located l : current.rows()) {
                if (!inGrid.test(l.row())) {
                    diff.add(String.format(Locale.ROOT, "- %s %s = %.6g (its cell is not in the grid; was %s)",
                            l.row().cell(), l.row().metric(), l.row().expected(), l.where()));
                }
            }
            diff.addAll(diff(current, fresh));
            GoldenFile written = current.without(inGrid.negate()).withRows(fresh).write();
            return new Result(written, diff);
        } finally {
            lock.close();
        }
    }

    /** The rewritten file and what changed in it. */
    public record Result(GoldenFile file, List<String> diff) {}

    /** Every value or band that differs between {@code old} and {@code fresh}, and every new row. */
    public static List<String> diff(GoldenFile old, Collection<GoldenRow> fresh) {
        List<String> lines = new ArrayList<>();
        int unchanged = 0;
        for (GoldenRow row : fresh) {
            Optional<GoldenFile.Located> before = old.find(row.cell(), row.metric());
            if (before.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "+ %s %s = %.6g ± %.3g (new)", row.cell(), row.metric(),
                        row.expected(), row.band().halfWidth()));
                continue;
            }
            GoldenRow b = before.get().row();
            boolean valueChanged = Double.compare(b.expected(), row.expected()) != 0;
            boolean bandChanged = Double.compare(b.band().halfWidth(), row.band().halfWidth()) != 0;
            if (valueChanged || bandChanged || b.samples() != row.samples()) {
                lines.add(String.format(Locale.ROOT, "~ %s %s: %.6g ± %.3g -> %.6g ± %.3g (Δ %+.3g; %d -> %d samples;"
                        + " was %s)", row.cell(), row.metric(), b.expected(), b.band().halfWidth(), row.expected(),
                        row.band().halfWidth(), row.expected() - b.expected(), b.samples(), row.samples(),
                        before.get().where()));
            } else {
                unchanged++;
            }
        }
        lines.add(unchanged + " of " + fresh.size() + " rewritten rows unchanged");
        return lines;
    }
}
