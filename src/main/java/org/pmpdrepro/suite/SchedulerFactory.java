package org.pmpdrepro.suite;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/** How the cell decoder turns a cell's scheduler into the precision plan it decodes with. */
@FunctionalInterface
public interface SchedulerFactory {

    /**
     * What a scheduler may look at: the cell, the prompts it will decode (in plan order), the pair's precisions on
     * the cell's back-bone, and the quantized model resident in the decoder (a learned scheduler runs a prefill of
     * its own on it; the static one searches on the calibration split), and a way to decode a sibling cell (same
     * task, back-bone and pair, another scheduler) through the decoder's shared decodes — {@code none-matched}
     * decodes at the average bit-width that PMPD's static scheduler reached.
     */
    record Request(Cell cell, List<TaskExample> examples, Precision high, Precision low, DjlLlama model,
            ProjectTokenizer tokenizer, QuantizedModel quantized, Function<String, TaskOutputs> sibling) {

        public Request {
            Objects.requireNonNull(cell, "cell");
            Objects.requireNonNull(sibling, "sibling");
            examples = List.copyOf(examples);
        }
    }

    /**
     * A plan and its key. Equal keys mean identical plans on the same task and back-bone, which is what lets a
     * decode be shared across cells: the key must name everything the plan depends on ({@code fixed 3bit},
     * {@code phase-aware 4bit>3bit}, a per-prompt plan's schedule hash).
     */
    record Scheduled(String key, PrecisionPlan plan) {

        public Scheduled {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(plan, "plan");
        }
    }

    Scheduled schedule(Request request);
}
