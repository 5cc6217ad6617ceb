package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.train.AdamW;

/**
 * A saved fine-tuning state: parameters, optimizer moments, the step, the loss before fine-tuning and the log so
 * far. Written complete in a scratch directory and renamed into place; the last two are kept.
 */
record BitMixerCheckpoint(Path dir, int step, Map<String, NDArray> params, Map<String, NDArray> moments,
        SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped) {

    private static final ObjectMapper JSON = Json.mapper();
    private static final String PREFIX = "step-";
    private static final String STATE = "state.json";

    /** The newest complete checkpoint under {@code root}, or null when there is none. */
    static BitMixerCheckpoint latest(Path root, NDManager manager) throws IOException {
        if (!Files.isDirectory(root)) {
            return null;
        }
        Path newest;
        try (Stream<Path> dirs = Files.list(root)) {
            newest = dirs.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> !p.getFileName().toString().contains(".tmp"))
                    .filter(p -> Files.exists(p.resolve(STATE)))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        }
        if (newest == null) {
            return null;
        }
        JsonNode state = Json.read(newest.resolve(STATE));
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
        return new BitMixerCheckpoint(newest, state.get("step").asInt(), read(newest, "params", manager),
                read(newest, "moments", manager), initial, log, skipped);
    }

    private static Map<String, NDArray> read(Path dir, String what, NDManager manager) throws IOException {
        NDList arrays;
        try (InputStream in = Files.newInputStream(dir.resolve(what + ".safetensors"))) {
            arrays = NDList.decode(manager, in);
        }
        Map<String, NDArray> out = new HashMap<>();
        for (NDArray a : arrays) {
            out.put(a.getName(), a);
        }
        return out;
    }

    static void save(Path root, int step, TrainableBitMixer model, AdamW adam,
            SortedMap<Integer, Double> initialLoss, List<BitMixerTrainer.LogLine> log, List<Integer> skipped)
            throws IOException {
        Files.createDirectories(root);
        String name = String.format("%s%07d", PREFIX, step);
        Path scratch = Files.createTempDirectory(root, name + ".tmp");
        List<String> names = model.names();
        List<NDArray> arrays = model.arrays();
        NDList params = new NDList();
        for (int i = 0; i < arrays.size(); i++) {
            arrays.get(i).setName(names.get(i));
            params.add(arrays.get(i));
        }
        try (OutputStream out = Files.newOutputStream(scratch.resolve("params.safetensors"))) {
            params.encode(out, NDList.Encoding.SAFETENSORS);
        }
        try (OutputStream out = Files.newOutputStream(scratch.resolve("moments.safetensors"))) {
            adam.moments(names).encode(out, NDList.Encoding.SAFETENSORS);
        }
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
        JSON.writerWithDefaultPrettyPrinter().writeValue(scratch.resolve(STATE).toFile(), state);
        Path target = root.resolve(name);
        deleteTree(target);
        Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> old;
        try (Stream<Path> dirs = Files.list(root)) {
            old = dirs.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> !p.getFileName().toString().contains(".tmp"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .skip(2).toList();
        }
        for (Path p : old) {
            deleteTree(p);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

}
