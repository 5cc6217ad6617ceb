package org.pmpdrepro.quant.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.StaleScratch;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.DeferredTensor;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.SafetensorsFile;
import org.pmpdrepro.model.SafetensorsWriter;
import org.pmpdrepro.model.TensorData;
import org.pmpdrepro.quant.QuantizedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory cache of quantized models, one entry per {@link CacheKey}: {@code <key>/model.safetensors} (the
 * codec's tensors, its parameters as metadata) and {@code <key>/manifest.json} ({@link StoreManifest}).
 *
 * <p>An entry is used only after checking, in order: the manifest parses and names exactly the requested inputs; the
 * weights file has the recorded size and SHA-256; its tensors have the recorded names and shapes; the codec rebuilds a
 * model for the configuration from them. An entry failing any check is rebuilt with a warning naming the file and the
 * problem ({@link Mode#REBUILD}), or rejected with a {@link CorruptArtefactException} ({@link Mode#STRICT}).
 *
 * <p>Entries are built in a temporary directory beside the target and renamed into place, so a reader never sees a
 * half-written entry and concurrent writers (threads or processes) of one key leave one complete entry. A writer
 * claims its temporary directory ({@link StaleScratch#claim}) while it builds it; the first use of a store removes
 * the temporary directories that killed runs left and that no live process claims.
 */
public final class QuantizationStore {

    /** System property naming the cache directory. */
    public static final String DIR_PROPERTY = "pmpd.quantCache";
    public static final Path DEFAULT_DIR = Path.of("target", "quant-cache");
    static final String WEIGHTS = "model.safetensors";
    static final String MANIFEST = "manifest.json";
    private static final String TMP = ".tmp-";
    private static final String STALE = ".stale-";
    private static final String METHOD_KEY = "method";

    private static final Logger LOG = LoggerFactory.getLogger(QuantizationStore.class);

    /** What to do with an entry that fails its checks. */
    public enum Mode {
        /** Log a warning naming the file and the problem, then build the entry again. */
        REBUILD,
        /** Throw a {@link CorruptArtefactException}; nothing is rebuilt. */
        STRICT
    }

    /** Builds the quantized model when the cache has no valid entry for it. */
    @FunctionalInterface
    public interface Builder {
        QuantizedModel build() throws IOException;
    }

    private final Path root;
    private final Mode mode;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private boolean scratchRemoved;

    public QuantizationStore(Path root, Mode mode) {
        this.root = Objects.requireNonNull(root, "root");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** The cache at {@code -Dpmpd.quantCache=DIR}, else {@link #DEFAULT_DIR}, rebuilding bad entries. */
    public static QuantizationStore atDefaultLocation() {
        String dir = System.getProperty(DIR_PROPERTY);
        return new QuantizationStore(dir == null || dir.isBlank() ? DEFAULT_DIR : Path.of(dir), Mode.REBUILD);
    }

    public Path root() {
        return root;
    }

    public Mode mode() {
        return mode;
    }

    /** Where the entry of {@code key} lives (whether or not it exists). */
    public Path entry(CacheKey key) {
        return root.resolve(key.directoryName());
    }

    /**
     * The model of {@code key} for {@code config}: decoded from a valid entry by {@code codec}, or built by
     * {@code builder} and stored. The codec and the builder's model must be of {@code key}'s method.
     */
    public QuantizedModel getOrBuild(CacheKey key, QuantizationCodec codec, LlamaConfig config, Builder builder)
            throws IOException {
        if (!codec.method().equals(key.method())) {
            throw new IllegalArgumentException("a " + codec.method() + " codec for the key of " + key.method());
        }
        removeStaleScratch();
        synchronized (locks.computeIfAbsent(key.directoryName(), k -> new Object())) {
            Path dir = entry(key);
            boolean replace = false;
            if (Files.exists(dir)) {
                try {
                    QuantizedModel cached = read(dir, key, config, codec);
                    LOG.info("quantization cache: reusing {}", dir);
                    return cached;
                } catch (CorruptArtefactException e) {
                    if (mode == Mode.STRICT) {
                        throw e;
                    }
                    LOG.warn("quantization cache: {} is unusable ({}); rebuilding the entry", e.file(), e.problem());
                    replace = true;
                }
            }
            long begin = System.nanoTime();
            QuantizedModel built = builder.build();
            if (!built.method().equals(key.method()) || !built.config().equals(config)) {
                throw new IllegalStateException("the builder for " + key.directoryName() + " made a " + built.method()
                        + " model of " + built.config() + "; expected " + key.method() + " for " + config);
            }
            write(dir, key, codec.encode(built), replace);
            LOG.info(String.format("quantization cache: built %s in %.1f s, stored in %s", key.method(),
                    (System.nanoTime() - begin) / 1e9, dir));
            return built;
        }
    }

    /** Once per store: the scratch of builds that were killed (each up to the size of an entry) goes. */
    private synchronized void removeStaleScratch() throws IOException {
        if (scratchRemoved) {
            return;
        }
        scratchRemoved = true;
        for (Path stale : StaleScratch.remove(root, QuantizationStore::isScratch)) {
            LOG.info("quantization cache: removed {}, left by a build that did not finish", stale);
        }
    }

    /** The names {@link #write} and {@link #publish} give their temporary directories. */
    static boolean isScratch(String name) {
        return name.startsWith(".") && (name.contains(TMP) || name.contains(STALE));
    }

    /** Decodes a valid entry, or explains with a {@link CorruptArtefactException} why it is not one. */
    QuantizedModel read(Path dir, CacheKey key, LlamaConfig config, QuantizationCodec codec)
            throws CorruptArtefactException {
        Path manifestFile = dir.resolve(MANIFEST);
        StoreManifest manifest = StoreManifest.read(manifestFile);
        if (!manifest.key().equals(key)) {
            throw new CorruptArtefactException(manifestFile, "made from other inputs: " + difference(manifest.key(), key));
        }
        Path weights = dir.resolve(WEIGHTS);
        long size;
        try {
            size = Files.size(weights);
        } catch (IOException e) {
            throw new CorruptArtefactException(weights, "cannot be read: " + e, e);
        }
        if (size != manifest.weightsBytes()) {
            throw new CorruptArtefactException(weights, (size < manifest.weightsBytes() ? "truncated: " : "resized: ")
                    + size + " bytes; the manifest records " + manifest.weightsBytes());
        }
        String sha = Hashes.sha256Hex(weights);
        if (!sha.equals(manifest.weightsSha256())) {
            throw new CorruptArtefactException(weights, "SHA-256 mismatch: the file hashes to " + sha
                    + "; the manifest records " + manifest.weightsSha256());
        }
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            Map<String, List<Integer>> shapes = new LinkedHashMap<>();
            List<DeferredTensor> tensors = new ArrayList<>();
            for (String name : file.names()) {
                int[] shape = file.info(name).shape();
                shapes.put(name, Arrays.stream(shape).boxed().toList());
                // Read when the codec asks for it, one tensor at a time, while the file is open.
                tensors.add(new DeferredTensor(name, shape, () -> {
                    try {
                        return file.read(name).data();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, (from, count) -> {
                    try {
                        return file.readFloats(name, from, count);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            if (!shapes.equals(manifest.shapes())) {
                throw new CorruptArtefactException(weights, "tensors " + describe(shapes) + " differ from the manifest's "
                        + describe(manifest.shapes()));
            }
            Map<String, String> params = new LinkedHashMap<>(file.metadata());
            String method = params.remove(METHOD_KEY);
            if (!key.method().equals(method)) {
                throw new CorruptArtefactException(weights, "metadata names method '" + method + "'; expected '"
                        + key.method() + "'");
            }
            StoredQuantization stored = StoredQuantization.of(method, params, tensors);
            try {
                return codec.decode(config, stored);
            } catch (IllegalArgumentException e) {
                throw new CorruptArtefactException(weights, "does not fit the model configuration: " + e.getMessage(),
                        e);
            }
        } catch (CorruptArtefactException e) {
            throw e;
        } catch (UncheckedIOException e) {
            throw new CorruptArtefactException(weights, "not a readable safetensors file: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (IOException e) {
            throw new CorruptArtefactException(weights, "not a readable safetensors file: " + e.getMessage(), e);
        }
    }

    private static String describe(Map<String, List<Integer>> shapes) {
        if (shapes.size() <= 3) {
            return shapes.toString();
        }
        return shapes.size() + " tensors starting " + shapes.entrySet().stream().limit(3).toList();
    }

    private static String difference(CacheKey found, CacheKey wanted) {
        List<String> diffs = new ArrayList<>();
        compare(diffs, "method", found.method(), wanted.method());
        compare(diffs, "parameters", found.parameters().toString(), wanted.parameters().toString());
        compare(diffs, "model_sha256", found.modelSha256(), wanted.modelSha256());
        compare(diffs, "calibration_sha256", found.calibrationSha256(), wanted.calibrationSha256());
        compare(diffs, "sensitivity_sha256", found.sensitivitySha256(), wanted.sensitivitySha256());
        compare(diffs, "code_version", found.codeVersion(), wanted.codeVersion());
        return String.join("; ", diffs);
    }

    private static void compare(List<String> diffs, String field, String found, String wanted) {
        if (!found.equals(wanted)) {
            diffs.add(field + " is " + found + ", expected " + wanted);
        }
    }

    /** Writes the entry in a scratch directory and renames it into place, replacing an unusable one. */
    private void write(Path dir, CacheKey key, StoredQuantization stored, boolean replace) throws IOException {
        Files.createDirectories(root);
        Path scratch = Files.createTempDirectory(root, "." + key.directoryName() + TMP);
        try {
            StaleScratch.Claim claim = StaleScratch.claim(scratch);
            try {
                writeEntry(scratch, key, stored);
            } finally {
                claim.close();
            }
            publish(scratch, dir, replace);
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** The entry's files, in {@code scratch}. */
    private static void writeEntry(Path scratch, CacheKey key, StoredQuantization stored) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(stored.parameters());
        if (metadata.put(METHOD_KEY, stored.method()) != null) {
            throw new IllegalArgumentException(stored.method() + " artefact has a parameter named '" + METHOD_KEY
                    + "', which the store reserves");
        }
        Path weights = scratch.resolve(WEIGHTS);
        SafetensorsWriter.write(weights, stored.entries(), DType.F32, metadata);
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        for (TensorData t : stored.entries()) {
            shapes.put(t.name(), Arrays.stream(t.shape()).boxed().toList());
        }
        new StoreManifest(key, Hashes.sha256Hex(weights), Files.size(weights), shapes)
                .write(scratch.resolve(MANIFEST));
    }

    /**
     * Renames {@code scratch} to {@code dir}. An entry found unusable ({@code replace}) is moved aside first; an entry
     * that appeared while this one was built came from a concurrent writer of the same key and is kept.
     */
    private void publish(Path scratch, Path dir, boolean replace) throws IOException {
        if (replace && Files.exists(dir)) {
            // Moved aside first (atomically), so the name never points at a half-deleted entry.
            Path stale = Files.createTempDirectory(root, "." + dir.getFileName() + STALE);
            try {
                Files.move(dir, stale.resolve("entry"), StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException gone) {
                // another writer replaced it meanwhile
            } finally {
                AtomicFiles.deleteTree(stale);
            }
        }
        try {
            Files.move(scratch, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException raced) {
            // Another writer published the same key first; its entry is complete, so it stands and ours is dropped.
            if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
                throw raced;
            }
            LOG.info("quantization cache: {} was written concurrently; keeping that entry", dir);
        }
    }
}
