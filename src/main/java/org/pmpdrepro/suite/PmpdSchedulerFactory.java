package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.Scheduler;
import org.pmpdrepro.pmpd.Schedulers;

/**
 * A scheduler of the {@code pmpd} package (PMPD's static and learned schedulers and the adaptive or matched
 * baselines) as the suite's runner uses it. The committed searches and classifiers are looked up by the cell's
 * uniform pair (they were fitted on Any-Precision); the plan switches between the precisions the cell's back-bone
 * serves for that pair, so every back-bone is driven by the same schedules. {@code none-matched} first runs the
 * cell's {@code static} sibling and decodes at the precision nearest to the average bit-width it reached.
 */
record PmpdSchedulerFactory(String name, Schedulers.Sources sources) implements SchedulerFactory {

    static final String MATCHED = "none-matched";
    static final String MATCHED_TO = "static";

    PmpdSchedulerFactory(String name) {
        this(name, Schedulers.Sources.defaults());
    }

    @Override
    public Scheduled schedule(Request r) {
        PrecisionPair served = new PrecisionPair(r.high(), r.low());
        PrecisionPair fitted = new PrecisionPair(r.cell().pair().highPrecision(), r.cell().pair().lowPrecision());
        double matchedBits = name.equals(MATCHED) ? r.sibling().apply(MATCHED_TO).averageBits() : Double.NaN;
        Scheduler scheduler;
        try {
            scheduler = Schedulers.create(name, r.cell().task(), served, fitted, sources, r.quantized(), matchedBits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the committed parameters of scheduler " + name + " for "
                    + r.cell().displayName(), e);
        }
        // The key names everything the plan depends on, so equal keys really are the same decode.
        String key = scheduler.name() + " " + served.label() + " " + new TreeMap<>(scheduler.parameters());
        return new Scheduled(key, scheduler.plan(r.cell().task().maxNewTokens()));
    }
}
