package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.train.AdamW;
import org.pmpdrepro.train.Checkpoints;

/**
 * A saved fine-tuning state: parameters, optimizer moments, the step, the loss before fine-tuning and the log so
 * far, kept as {@link Checkpoints} (written complete, renamed into place, the last two kept).
 */
record BitMixerCheckpoint(Path dir, int step, Map<String, NDArray> params, Map<String, NDArray> moments,
        SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped) {

    private static final ObjectMapper JSON = Json.mapper();

    /** The newest complete checkpoint under {@code root}, or null when there is none. */
    static BitMixerCheckpoint latest(Path root, NDManager manager) throws IOException {
        Checkpoints.Loaded c = Checkpoints.latest(root, manager).orElse(null);
        if (c == null) {
            return null;
        }
        JsonNode state = c.state();
        SortedMap<Integer, Double> initial = new TreeMap<>();
        state.get("initial_loss").properties().forEach(e -> initial.put(Integer.parseInt(e.getKey()),
                e.getValue().asDouble()));
        List<BitMixerTrainer.LogLine> log = new ArrayList<>();
        for (JsonNode l : state.get("log")) {
            log.add(new BitMixerTrainer.LogLine(l.get("step").asInt(), l.get("bits").asText(),
                    l.get("loss").asDouble(), (float) l.get("lr").asDouble()));
        }
        List<Integer> skipped = new ArrayList<>();
        if (state.has("skipped")) {
            state.get("skipped").forEach(s -> skipped.add(s.asInt()));
        }
        return new BitMixerCheckpoint(c.dir(), state.get("step").asInt(), c.params(), c.moments(), initial, log,
                skipped);
    }

    static void save(Path root, int step, TrainableBitMixer model, AdamW adam,
            SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped)
            throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.put("step", step);
        ObjectNode initial = state.putObject("initial_loss");
        initialLoss.forEach((b, l) -> initial.put(String.valueOf(b), l));
        ArrayNode lines = state.putArray("log");
        for (BitMixerTrainer.LogLine l : log) {
            lines.addObject().put("step", l.step()).put("bits", l.bits()).put("loss", l.loss()).put("lr", l.learningRate());
        }
        ArrayNode skippedSteps = state.putArray("skipped");
        skipped.forEach(skippedSteps::add);
        Checkpoints.save(root, step, model.names(), model.arrays(), adam, state);
    }
}
