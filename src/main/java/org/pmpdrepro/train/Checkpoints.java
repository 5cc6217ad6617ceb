package org.pmpdrepro.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;

/**
 * The checkpoints of a training run, shared by pre-training ({@link Trainer}) and Bit-Mixer's fine-tuning: under a
 * root, one directory per saved step ({@code step-0000100}) holding {@code params.safetensors},
 * {@code moments.safetensors} (the optimizer's) and {@code state.json} (the step and whatever else the run resumes
 * from). A checkpoint is written whole in a scratch directory, each file forced to disk through {@link AtomicFiles},
 * and renamed into place, so a killed run leaves either the previous checkpoints or the new one, never half of one
 * (its scratch directory is removed by the next save); the newest {@value #KEEP} are kept.
 */
public final class Checkpoints {

    /** The file that marks a complete checkpoint and holds its state. */
    public static final String STATE = "state.json";
    /** How many checkpoints a root keeps. */
    public static final int KEEP = 2;

    private static final String PREFIX = "step-";
    private static final String SCRATCH = ".tmp";

    /** A checkpoint read back: its directory, state (a record of the run's choosing) and arrays by name. */
    public record Loaded<S>(Path dir, S state, Map<String, NDArray> params, Map<String, NDArray> moments) {}

    private Checkpoints() {}

    /**
     * The newest complete checkpoint under {@code root}, its arrays on {@code manager} and its state bound to
     * {@code stateType} ({@link JsonBinding}: a state that does not fit is an {@link IOException} naming the file and
     * the field); empty when there is none.
     */
    public static <S> Optional<Loaded<S>> latest(Path root, NDManager manager, Class<S> stateType)
            throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        Path newest;
        try (Stream<Path> dirs = Files.list(root)) {
            newest = dirs.filter(Checkpoints::isCheckpoint).filter(p -> Files.exists(p.resolve(STATE)))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        }
        if (newest == null) {
            return Optional.empty();
        }
        Path stateFile = newest.resolve(STATE);
        S state;
        try {
            state = JsonBinding.read(stateFile, stateType);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (a checkpoint of another version or run; move the checkpoint"
                    + " directory away to start afresh)", e);
        }
        return Optional.of(new Loaded<>(newest, state, arrays(newest, "params", manager),
                arrays(newest, "moments", manager)));
    }

    /**
     * Saves step {@code step}: the parameters {@code arrays} (named {@code names}, in that order), the optimizer's
     * moments (none when {@code adam} is null) and {@code state}; then removes all but the newest {@value #KEEP}
     * checkpoints.
     */
    public static Path save(Path root, int step, List<String> names, List<NDArray> arrays, AdamW adam,
            Object state) throws IOException {
        Files.createDirectories(root);
        removeScratch(root);
        String name = String.format("%s%07d", PREFIX, step);
        Path scratch = Files.createTempDirectory(root, name + SCRATCH);
        NDList params = new NDList();
        for (int i = 0; i < arrays.size(); i++) {
            arrays.get(i).setName(names.get(i));
            params.add(arrays.get(i));
        }
        // Each file is forced to disk before the directory is renamed into place (AtomicFiles), so a checkpoint
        // that is there after a crash is whole.
        writeArrays(scratch.resolve("params.safetensors"), params);
        writeArrays(scratch.resolve("moments.safetensors"), adam == null ? new NDList() : adam.moments(names));
        AtomicFiles.writeText(scratch.resolve(STATE), JsonBinding.write(state));
        Path target = root.resolve(name);
        AtomicFiles.deleteTree(target);
        Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> old;
        try (Stream<Path> dirs = Files.list(root)) {
            old = dirs.filter(Checkpoints::isCheckpoint)
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .skip(KEEP).toList();
        }
        for (Path p : old) {
            AtomicFiles.deleteTree(p);
        }
        return target;
    }

    private static void writeArrays(Path file, NDList arrays) throws IOException {
        AtomicFiles.write(file, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            arrays.encode(out, NDList.Encoding.SAFETENSORS);
            out.flush();
        });
    }

    /** Scratch directories a killed run left under {@code root} (one run writes a root at a time). */
    private static void removeScratch(Path root) throws IOException {
        List<Path> scratch;
        try (Stream<Path> dirs = Files.list(root)) {
            scratch = dirs.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.contains(SCRATCH) && Files.isDirectory(p);
            }).toList();
        }
        for (Path p : scratch) {
            AtomicFiles.deleteTree(p);
        }
    }

    private static boolean isCheckpoint(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(PREFIX) && !name.contains(SCRATCH);
    }

    private static Map<String, NDArray> arrays(Path dir, String what, NDManager manager) throws IOException {
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
}
