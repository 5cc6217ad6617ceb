package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.train.AdamW;
import org.pmpdrepro.train.Checkpoints;

/**
 * A saved fine-tuning state: parameters, optimizer moments, the step, the loss before fine-tuning and the log so
 * far, kept as {@link Checkpoints} (written complete, renamed into place, the last two kept).
 */
record BitMixerCheckpoint(Path dir, int step, Map<String, NDArray> params, Map<String, NDArray> moments,
        SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped) {

    /**
     * The state beside the arrays: the step, the loss by width before fine-tuning, the log and the skipped steps
     * (absent from checkpoints written before steps could be skipped: none).
     */
    @JsonPropertyOrder({"step", "initial_loss", "log", "skipped"})
    record State(int step, @JsonProperty("initial_loss") TreeMap<Integer, Double> initialLoss,
            List<BitMixerArtefact.LogEntry> log, @JsonBinding.MayBeAbsent List<Integer> skipped) {
        State {
            skipped = skipped == null ? List.of() : List.copyOf(skipped);
        }
    }

    /** The newest complete checkpoint under {@code root}, or null when there is none. */
    static BitMixerCheckpoint latest(Path root, NDManager manager) throws IOException {
        Checkpoints.Loaded<State> c = Checkpoints.latest(root, manager, State.class).orElse(null);
        if (c == null) {
            return null;
        }
        State state = c.state();
        List<BitMixerTrainer.LogLine> log = state.log().stream()
                .map(l -> new BitMixerTrainer.LogLine(l.step(), l.bits(), l.loss(), l.lr())).toList();
        return new BitMixerCheckpoint(c.dir(), state.step(), c.params(), c.moments(), state.initialLoss(), log,
                state.skipped());
    }

    static void save(Path root, int step, TrainableBitMixer model, AdamW adam,
            SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped)
            throws IOException {
        List<BitMixerArtefact.LogEntry> lines = log.stream()
                .map(l -> new BitMixerArtefact.LogEntry(l.step(), l.bits(), l.loss(), l.learningRate())).toList();
        Checkpoints.save(root, step, model.names(), model.arrays(), adam, new State(step, new TreeMap<>(initialLoss),
                lines, List.copyOf(skipped)));
    }
}
