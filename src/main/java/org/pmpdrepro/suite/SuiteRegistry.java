package org.pmpdrepro.suite;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.methods.Backbones;

/**
 * The one place that says which back-bones and schedulers the cell decoder can build, in the test JVM and in the
 * decoder container alike. Wiring another one is one line in {@link #defaults()}; a cell naming anything not listed
 * fails with {@link NotImplementedException}.
 */
public final class SuiteRegistry {

    private final Map<String, Backbone> backbones;
    private final Map<String, SchedulerFactory> schedulers;

    private SuiteRegistry(Map<String, Backbone> backbones, Map<String, SchedulerFactory> schedulers) {
        this.backbones = Collections.unmodifiableMap(new LinkedHashMap<>(backbones));
        this.schedulers = Collections.unmodifiableMap(new LinkedHashMap<>(schedulers));
    }

    public static SuiteRegistry empty() {
        return new SuiteRegistry(Map.of(), Map.of());
    }

    /** Everything wired today. */
    public static SuiteRegistry defaults() {
        return empty()
                .withBackbone(Backbones.named("any-precision"))
                .withBackbone(Backbones.named("gptq"))
                .withBackbone(Backbones.named("haq"))
                .withBackbone(Backbones.named("bit-mixer"))
                .withBackbone(Backbones.named("rtn"))
                .withScheduler("none-high", r -> new SchedulerFactory.Scheduled("fixed " + r.high(),
                        PrecisionPlan.fixed(r.high())))
                .withScheduler("none-low", r -> new SchedulerFactory.Scheduled("fixed " + r.low(),
                        PrecisionPlan.fixed(r.low())))
                .withScheduler("phase-aware-only", r -> new SchedulerFactory.Scheduled(
                        "phase-aware " + r.high() + ">" + r.low(), PrecisionPlan.phaseAware(r.high(), r.low())))
                .withScheduler("static", new PmpdSchedulerFactory("static"))
                .withScheduler("learned", new PmpdSchedulerFactory("learned"))
                .withScheduler("matched-static", new PmpdSchedulerFactory("matched-static"))
                .withScheduler("matched-learned", new PmpdSchedulerFactory("matched-learned"))
                .withScheduler("random-uniform-matched", new PmpdSchedulerFactory("random-uniform-matched"))
                .withScheduler("random-label-prior-matched", new PmpdSchedulerFactory("random-label-prior-matched"))
                .withScheduler("confidence-matched", new PmpdSchedulerFactory("confidence-matched"))
                .withScheduler("none-matched", new PmpdSchedulerFactory("none-matched"))
                .withScheduler("random-uniform", new PmpdSchedulerFactory("random-uniform"))
                .withScheduler("random-label-prior", new PmpdSchedulerFactory("random-label-prior"))
                .withScheduler("confidence", new PmpdSchedulerFactory("confidence"));
    }

    /** A registry with {@code backbone} added, or replacing the one of its name. */
    public SuiteRegistry withBackbone(Backbone backbone) {
        Map<String, Backbone> b = new LinkedHashMap<>(backbones);
        b.put(backbone.name(), backbone);
        return new SuiteRegistry(b, schedulers);
    }

    /** A registry with {@code scheduler} added or replaced. */
    public SuiteRegistry withScheduler(String name, SchedulerFactory scheduler) {
        Map<String, SchedulerFactory> s = new LinkedHashMap<>(schedulers);
        s.put(name, scheduler);
        return new SuiteRegistry(backbones, s);
    }

    public Backbone backbone(String name) {
        Backbone b = backbones.get(name);
        if (b == null) {
            throw new NotImplementedException("back-bone", name, backbones.keySet());
        }
        return b;
    }

    public SchedulerFactory scheduler(String name) {
        SchedulerFactory s = schedulers.get(name);
        if (s == null) {
            throw new NotImplementedException("scheduler", name, schedulers.keySet());
        }
        return s;
    }

    public Set<String> backbones() {
        return backbones.keySet();
    }

    public Set<String> schedulers() {
        return schedulers.keySet();
    }
}
