package org.pmpdrepro.pmpd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.model.LlamaConfig;

/**
 * No switching during decoding: the baselines {@code none-high}, {@code none-low}, {@code phase-aware-only},
 * {@code matched-static} and {@code matched-learned} (a per-matrix mix at a schedule's bits, {@link MatchedMix}) and
 * {@code none-matched} (the nearest uniform width or published policy).
 *
 * @param note how the precision was chosen (for the matched arms: the target and what serves it)
 */
public record FixedScheduler(String name, Precision prefill, Precision decode, String note) implements Scheduler {

    public FixedScheduler {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefill, "prefill");
        Objects.requireNonNull(decode, "decode");
        Objects.requireNonNull(note, "note");
    }

    /** Every pass at the high precision. */
    public static FixedScheduler noneHigh(PrecisionPair pair) {
        return new FixedScheduler("none-high", pair.high(), pair.high(), "every pass at " + pair.high());
    }

    /** Every pass, prefill included, at the low precision. */
    public static FixedScheduler noneLow(PrecisionPair pair) {
        return new FixedScheduler("none-low", pair.low(), pair.low(), "every pass at " + pair.low());
    }

    /** High-precision prefill, every decode step at the low precision (PMPD with {@code s = 0}). */
    public static FixedScheduler phaseAwareOnly(PrecisionPair pair) {
        return new FixedScheduler("phase-aware-only", pair.high(), pair.low(),
                "prefill at " + pair.high() + ", decode at " + pair.low());
    }

    /** High-precision prefill, every decode step at {@code matched} (see {@link MatchedPrecision}). */
    public static FixedScheduler noneMatched(PrecisionPair pair, MatchedPrecision matched) {
        return new FixedScheduler("none-matched", pair.high(), matched.precision(), matched.describe());
    }

    /**
     * High-precision prefill, every decode step at the per-matrix mix {@code mix}: named {@code matched-static} or
     * {@code matched-learned} after the schedule whose measured bits it matches. The prefill runs high as every
     * switching schedule's does, so the two arms differ only in how the decode steps' bits are spread.
     */
    public static FixedScheduler matched(String name, PrecisionPair pair, MatchedMix.Result mix, LlamaConfig config) {
        return new FixedScheduler(name, pair.high(), mix.precision(config), mix.describe());
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prefill", prefill.label());
        m.put("decode", decode.label());
        m.put("decode_bits", decode.averageBits());
        m.put("note", note);
        return m;
    }

    @Override
    public PrecisionPlan plan(int maxNewTokens) {
        return PrecisionPlan.phaseAware(prefill, decode);
    }
}
