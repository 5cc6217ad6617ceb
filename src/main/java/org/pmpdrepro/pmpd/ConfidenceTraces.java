package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.decode.DecodeObserver;

/**
 * The top softmax probability of every pass of each prompt, recorded while a plan decodes (step 0 is the prefill).
 * Recorded on a never-switching decode, it is all the confidence baseline looks at before it switches, so the
 * switch step of any threshold can be read off it without decoding again.
 */
final class ConfidenceTraces implements DecodeObserver {

    private final Map<Integer, List<Double>> byPrompt = new HashMap<>();

    @Override
    public boolean observesConfidence() {
        return true;
    }

    @Override
    public synchronized void afterStep(int prompt, int step, double topProbability) {
        List<Double> t = byPrompt.computeIfAbsent(prompt, p -> new ArrayList<>());
        if (t.size() != step) {
            throw new IllegalStateException("prompt " + prompt + ": top probability of step " + step + " reported after "
                    + t.size() + " steps; expected steps in order from 0");
        }
        t.add(topProbability);
    }

    /** The probabilities of prompt {@code prompt}, in step order (empty if it was not decoded). */
    synchronized double[] of(int prompt) {
        return byPrompt.getOrDefault(prompt, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
    }
}
