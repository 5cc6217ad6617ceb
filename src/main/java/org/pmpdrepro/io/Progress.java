package org.pmpdrepro.io;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The progress of a long job whose amount of work is known: how much is done, the time elapsed and an ETA from the
 * rate so far, as one log line of one form for every job ({@code what: done/total unit (pct%), elapsed, ETA; detail}).
 * A line is logged when work is reported done once an interval has passed since the start or the last line (none by
 * default: every report), and always when the work is complete. Work may be counted in any unit whose rate is steady (weights for matrices of different
 * sizes, tokens, episodes); the ETA assumes the remaining units go at the rate of those done.
 */
public final class Progress {

    private final Consumer<String> sink;
    private final String what;
    private final long total;
    private final String unit;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long started;
    private long lastLogged;
    /** Units done before this process took the job up (a resumed run): they do not count in the rate. */
    private final long resumedAt;
    private long done;

    private Progress(Consumer<String> sink, String what, long total, String unit, long intervalNanos, LongSupplier clock,
            long resumedAt) {
        if (total < 0) {
            throw new IllegalArgumentException(what + ": total " + total + ", expected 0 or more");
        }
        this.sink = Objects.requireNonNull(sink, "sink");
        this.what = Objects.requireNonNull(what, "what");
        this.total = total;
        this.unit = Objects.requireNonNull(unit, "unit");
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastLogged = started;
        if (resumedAt < 0 || resumedAt > total) {
            throw new IllegalArgumentException(what + ": resumed at " + resumedAt + " of " + total + " " + unit);
        }
        this.resumedAt = resumedAt;
        this.done = resumedAt;
    }

    /** A job of {@code total} {@code unit}s (a plural noun: "prompts", "blocks") logged to {@code log}. */
    public static Progress of(Logger log, String what, long total, String unit) {
        return of(log::info, what, total, unit);
    }

    /** A job of {@code total} {@code unit}s whose lines go to {@code sink} (a command's output, say). */
    public static Progress of(Consumer<String> sink, String what, long total, String unit) {
        return new Progress(sink, what, total, unit, 0, System::nanoTime, 0);
    }

    /** The same job, logging at most once per {@code interval} (and at the end). */
    public Progress every(Duration interval) {
        return new Progress(sink, what, total, unit, interval.toNanos(), clock, resumedAt);
    }

    /** The same job taken up with {@code done} units already done (a resumed run); the rate counts only the rest. */
    public Progress resumingAt(long done) {
        return new Progress(sink, what, total, unit, intervalNanos, clock, done);
    }

    /** The same job timed by {@code nanos} (tests). */
    Progress timedBy(LongSupplier nanos) {
        return new Progress(sink, what, total, unit, intervalNanos, nanos, resumedAt);
    }

    /** {@code n} more units done; logs the line when due. */
    public void advance(long n) {
        advanceTo(done + n, () -> "");
    }

    /** {@code n} more units done; logs the line, with {@code detail} after it, when due. */
    public void advance(long n, Supplier<String> detail) {
        advanceTo(done + n, detail);
    }

    /** {@code done} units done in all; logs the line, with {@code detail} after it, when due. */
    public void advanceTo(long done, Supplier<String> detail) {
        this.done = Math.max(this.done, Math.min(done, total));
        long now = clock.getAsLong();
        if (this.done >= total || now - lastLogged >= intervalNanos) {
            lastLogged = now;
            sink.accept(line(detail.get()));
        }
    }

    /** Logs the line now, whether due or not (work that ends short of its total, say). */
    public void report(String detail) {
        lastLogged = clock.getAsLong();
        sink.accept(line(detail));
    }

    public long done() {
        return done;
    }

    public double elapsedSeconds() {
        return (clock.getAsLong() - started) / 1e9;
    }

    /** Seconds still to go at the rate so far: NaN before any work is done, 0 when all of it is. */
    public double etaSeconds() {
        if (done >= total) {
            return 0;
        }
        return done == resumedAt ? Double.NaN : elapsedSeconds() / (done - resumedAt) * (total - done);
    }

    /** The log line: {@code what: done/total unit (pct%), elapsed, ETA; detail}. */
    public String line(String detail) {
        String pct = total == 0 ? "100" : String.format(Locale.ROOT, "%.0f", 100.0 * done / total);
        String eta = done >= total ? "done" : "ETA " + duration(etaSeconds());
        return String.format(Locale.ROOT, "%s: %d/%d %s (%s%%), %s elapsed, %s%s", what, done, total, unit, pct,
                duration(elapsedSeconds()), eta, detail == null || detail.isEmpty() ? "" : "; " + detail);
    }

    /** {@code 42 s}, {@code 3m05s}, {@code 2h07m}; {@code ?} for NaN. */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "?";
        }
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
