package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.Scheduler;
import org.pmpdrepro.pmpd.Schedulers;

/**
 * A scheduler of the {@code pmpd} package (PMPD's static and learned schedulers, the matched-bits mixes and the
 * bits-matched or uncalibrated baselines) as the suite's runner uses it. The committed searches, classifiers and
 * baseline fits are looked up by the cell's back-bone and uniform pair: each back-bone decodes with schedules fitted
 * on itself, and a file fitted on another back-bone is refused. The plan switches between the precisions the cell's
 * back-bone serves for that pair. An arm matched to a schedule's bits ({@code matched-static}, {@code matched-learned},
 * and {@code none-matched} to {@code static}) first decodes its sibling cell with that schedule and takes the
 * average bits it measured.
 */
record PmpdSchedulerFactory(String name, Schedulers.Sources sources) implements SchedulerFactory {

    /** {@code none-matched} (the nearest uniform width, no longer in the grid) matches the static scheduler. */
    static final String NONE_MATCHED_TO = "static";

    PmpdSchedulerFactory(String name) {
        this(name, Schedulers.Sources.defaults());
    }

    @Override
    public Scheduled schedule(Request r) {
        PrecisionPair served = new PrecisionPair(r.high(), r.low());
        PrecisionPair fitted = new PrecisionPair(r.cell().pair().highPrecision(), r.cell().pair().lowPrecision());
        String source = Schedulers.matchSource(name, NONE_MATCHED_TO).orElse(null);
        double matchedBits = source == null ? Double.NaN : r.sibling().apply(source).averageBits();
        Scheduler scheduler;
        try {
            scheduler = Schedulers.create(name, new Schedulers.Target(r.cell().task(), served, fitted,
                    r.cell().backbone(), r.quantized(), matchedBits), sources);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the committed parameters of scheduler " + name + " for "
                    + r.cell().displayName() + ": " + e.getMessage(), e);
        }
        // The key names everything the plan depends on, so equal keys really are the same decode.
        String key = scheduler.name() + " " + served.label() + " " + new TreeMap<>(scheduler.parameters());
        return new Scheduled(key, scheduler.plan(r.cell().task().maxNewTokens()));
    }
}
