package org.pmpdrepro.quant.anyprec;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.DeferredTensor;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.SafetensorsFile;
import org.pmpdrepro.model.SafetensorsWriter;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TensorData;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.store.CalibrationSet;

/**
 * Any-Precision's sensitivities: the diagonal Fisher information {@code F = sum over calibration sequences s of
 * (dL_s/dW)^2} of every quantized matrix, as in SqueezeLLM. {@code L_s} is the mean next-token cross-entropy of
 * sequence {@code s}; each sequence has its own backward pass and its gradient is squared before summing (the square
 * of a batch gradient would let gradients of different sequences cancel).
 *
 * <p>Saved as safetensors ({@code [out, in]} per matrix, under the matrix's Hugging Face name) whose metadata names
 * the model hash, the calibration hash and the number of sequences, so a stale file is recognised.
 */
public final class FisherSensitivities implements SensitivitySource {

    /** Metadata keys of the saved file. */
    public static final String FORMAT = "pmpd-fisher-v1";
    static final String KEY_FORMAT = "format";
    static final String KEY_MODEL = "model_sha256";
    static final String KEY_CALIBRATION = "calibration_sha256";
    static final String KEY_SEQUENCES = "sequences";
    static final String KEY_LOSS = "loss";
    static final String LOSS = "mean next-token cross-entropy per sequence; gradients squared per sequence, summed";

    /**
     * What the sensitivities were computed from.
     *
     * @param modelSha256 identity of the model whose gradients were taken
     * @param calibrationSha256 {@link CalibrationSet#sha256()} of the sequences
     * @param sequences how many sequences were summed
     */
    public record Provenance(String modelSha256, String calibrationSha256, int sequences) {
        public Provenance {
            Objects.requireNonNull(modelSha256, "modelSha256");
            Objects.requireNonNull(calibrationSha256, "calibrationSha256");
        }
    }

    private final LlamaConfig config;
    private final Provenance provenance;
    /** Held values (computed here) or values read from the saved file each time they are asked for (loaded). */
    private final Map<LinearId, TensorData> byId;
    private String contentSha256;

    private FisherSensitivities(LlamaConfig config, Provenance provenance, Map<LinearId, ? extends TensorData> byId) {
        this.config = config;
        this.provenance = provenance;
        this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    }

    /** Computes the sensitivities of {@code model} (identified by {@code modelSha256}) over {@code calibration} on the CPU. */
    public static FisherSensitivities compute(WeightSource model, String modelSha256, CalibrationSet calibration) {
        return compute(model, modelSha256, calibration, Device.cpu());
    }

    public static FisherSensitivities compute(WeightSource model, String modelSha256, CalibrationSet calibration,
            Device device) {
        requireSequences(calibration);
        Map<LinearId, Tensor> sums;
        try (FisherGradients gradients = new FisherGradients(model, device)) {
            sums = gradients.squaredGradientSums(calibration.sequences());
        }
        return new FisherSensitivities(model.config(),
                new Provenance(modelSha256, calibration.sha256(), calibration.size()), sums);
    }

    private static void requireSequences(CalibrationSet calibration) {
        if (calibration.size() == 0) {
            throw new IllegalArgumentException("fisher: calibration set '" + calibration.label()
                    + "' is empty; expected at least one sequence");
        }
    }

    /**
     * Computes the sensitivities of {@code model} over {@code calibration} on {@code device} straight into
     * {@code file} (the bytes {@link #save} writes), each block's values written when the block is done and let go,
     * and returns them {@linkplain #load loaded} from it: no more than one block's values are ever on the heap (the
     * whole set is 3.9 GB at 1.1B parameters). {@code file} is replaced only when every matrix was written; a failed
     * computation leaves it as it was.
     */
    public static FisherSensitivities computeTo(Path file, WeightSource model, String modelSha256,
            CalibrationSet calibration, Device device) throws IOException {
        requireSequences(calibration);
        LlamaConfig config = model.config();
        Provenance provenance = new Provenance(modelSha256, calibration.sha256(), calibration.size());
        List<SafetensorsWriter.Slot> layout = new ArrayList<>();
        for (LinearId id : LinearId.all(config)) {
            layout.add(new SafetensorsWriter.Slot(id.weightName(), id.shape(config)));
        }
        SafetensorsWriter.writeInAnyOrder(file, layout, DType.F32, metadata(provenance), slots -> {
            try (FisherGradients gradients = new FisherGradients(model, device)) {
                gradients.squaredGradientSums(calibration.sequences(), block -> {
                    for (Tensor t : block.values()) {
                        slots.put(t);
                    }
                });
            }
        });
        return load(file, config, modelSha256);
    }

    /** {@link #computeTo(Path, WeightSource, String, CalibrationSet, Device)} on the CPU. */
    public static FisherSensitivities computeTo(Path file, WeightSource model, String modelSha256,
            CalibrationSet calibration) throws IOException {
        return computeTo(file, model, modelSha256, calibration, Device.cpu());
    }

    public LlamaConfig config() {
        return config;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** The summed squared gradients of {@code matrix}, {@code [out, in]}. */
    public Tensor of(LinearId matrix) {
        TensorData t = byId.get(matrix);
        if (t == null) {
            throw new IllegalArgumentException("fisher sensitivities hold no matrix " + matrix + "; the model has "
                    + config.numLayers() + " layers");
        }
        return t instanceof Tensor held ? new Tensor(held.name(), held.shape(), held.data().clone()) : t.load();
    }

    @Override
    public Tensor sensitivity(LinearId matrix, Tensor weight) {
        Tensor t = of(matrix);
        if (!Arrays.equals(t.shape(), weight.shape())) {
            throw new IllegalArgumentException("fisher sensitivity of " + matrix + " has shape "
                    + Arrays.toString(t.shape()) + "; the weight '" + weight.name() + "' has "
                    + Arrays.toString(weight.shape()));
        }
        return new Tensor(weight.name(), t.shape(), t.data());
    }

    /**
     * SHA-256 over the provenance and every value: what a quantization cache keys an Any-Precision model on (two
     * sets with equal values quantize identically).
     */
    public synchronized String contentSha256() {
        if (contentSha256 == null) {
            MessageDigest md = Hashes.sha256();
            md.update((FORMAT + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Map.Entry<LinearId, TensorData> e : byId.entrySet()) {
                digest(md, e.getKey(), e.getValue().shape(), littleEndian(e.getValue().data()));
            }
            contentSha256 = HexFormat.of().formatHex(md.digest());
        }
        return contentSha256;
    }

    /** Values of a stored tensor checked and digested at a time when a file is loaded. */
    private static final int SLICE = 1 << 16;

    private static void digest(MessageDigest md, LinearId id, int[] shape, byte[] values) {
        md.update((id.weightName() + Arrays.toString(shape) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(values);
    }

    private static byte[] littleEndian(float[] d) {
        ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(d);
        return buf.array();
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /** Writes the sensitivities (fp32) with their provenance as metadata, atomically. */
    public void save(Path file) throws IOException {
        List<TensorData> tensors = new ArrayList<>(byId.values());
        SafetensorsWriter.write(file, tensors, DType.F32, metadata(provenance));
    }

    private static Map<String, String> metadata(Provenance provenance) {
        return Map.of(
                KEY_FORMAT, FORMAT,
                KEY_MODEL, provenance.modelSha256(),
                KEY_CALIBRATION, provenance.calibrationSha256(),
                KEY_SEQUENCES, Integer.toString(provenance.sequences()),
                KEY_LOSS, LOSS);
    }

    /**
     * Reads sensitivities saved by {@link #save} for a model of {@code config}. Every value is checked now, one
     * matrix at a time, and none is held: {@link #of} reads a matrix from the file when asked for it (the
     * sensitivities of a 1.1B-parameter model are 3.9 GB) and refuses it if the file no longer holds the values
     * checked here (CRC-32 per matrix; {@link #contentSha256} is computed here from the checked values). A file of another format, a missing matrix, a wrong shape
     * or a negative or non-finite value is an {@link IOException} naming the file and what is wrong.
     */
    public static FisherSensitivities load(Path file, LlamaConfig config) throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, String> meta = st.metadata();
            if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
                throw new IOException(file + ": metadata '" + KEY_FORMAT + "' is " + meta.get(KEY_FORMAT)
                        + "; expected '" + FORMAT + "'");
            }
            Provenance p = new Provenance(required(file, meta, KEY_MODEL), required(file, meta, KEY_CALIBRATION),
                    parseCount(file, required(file, meta, KEY_SEQUENCES)));
            Map<LinearId, TensorData> byId = new LinkedHashMap<>();
            MessageDigest md = Hashes.sha256();
            md.update((FORMAT + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (LinearId id : LinearId.all(config)) {
                String name = id.weightName();
                if (!st.contains(name)) {
                    throw new IOException(file + ": no tensor '" + name + "'; the model has " + config.numLayers()
                            + " layers");
                }
                int[] expected = id.shape(config);
                int[] shape = st.info(name).shape();
                if (!Arrays.equals(shape, expected)) {
                    throw new IOException(file + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                            + "; the model needs " + Arrays.toString(expected));
                }
                // Checked, digested and summed a slice at a time: the digest sees the bytes of the whole tensor in
                // order, as when it was read whole, without an array of the whole tensor (reading a 1.1B model's
                // Fisher file whole made the garbage collector grow the heap to twice what the run needed).
                md.update((name + Arrays.toString(shape) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                CRC32 crc = new CRC32();
                long count = st.info(name).elementCount();
                for (long from = 0; from < count; from += SLICE) {
                    float[] d = st.readFloats(name, from, (int) Math.min(SLICE, count - from));
                    for (int i = 0; i < d.length; i++) {
                        if (!(d[i] >= 0) || !Float.isFinite(d[i])) {
                            throw new IOException(file + ": tensor '" + name + "' element " + (from + i) + " is "
                                    + d[i] + "; expected a finite value >= 0");
                        }
                    }
                    byte[] bytes = littleEndian(d);
                    md.update(bytes);
                    crc.update(bytes);
                }
                long sum = crc.getValue();
                byId.put(id, new DeferredTensor(name, shape, () -> reread(file, name, sum)));
            }
            if (st.names().size() != byId.size()) {
                throw new IOException(file + ": holds " + st.names().size() + " tensors; the model has "
                        + byId.size() + " quantized matrices");
            }
            FisherSensitivities f = new FisherSensitivities(config, p, byId);
            // The hash of the values checked here; each later read is checked against them (reread).
            f.contentSha256 = HexFormat.of().formatHex(md.digest());
            return f;
        }
    }

    /**
     * Tensor {@code name} read again from {@code file}; an error naming both when the file can no longer be read or
     * its values are no longer those checked on loading (the file was replaced while in use).
     */
    private static float[] reread(Path file, String name, long crc) {
        float[] d;
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            d = st.read(name).data();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": tensor '" + name + "' cannot be read again: " + e.getMessage(), e);
        }
        if (crc32(littleEndian(d)) != crc) {
            throw new IllegalStateException(file + ": tensor '" + name + "' changed since the file was loaded"
                    + " (was it regenerated while in use?); load it again");
        }
        return d;
    }

    /**
     * As {@link #load(Path, LlamaConfig)}, also requiring that the file was computed from the model
     * {@code modelSha256}.
     */
    public static FisherSensitivities load(Path file, LlamaConfig config, String modelSha256) throws IOException {
        FisherSensitivities f = load(file, config);
        if (!f.provenance.modelSha256().equals(modelSha256)) {
            throw new IOException(file + ": computed from model " + f.provenance.modelSha256()
                    + "; expected model " + modelSha256 + " (regenerate it for this model)");
        }
        return f;
    }

    private static String required(Path file, Map<String, String> meta, String key) throws IOException {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            throw new IOException(file + ": metadata lacks '" + key + "'; it has " + meta.keySet());
        }
        return v;
    }

    private static int parseCount(Path file, String value) throws IOException {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the value
        }
        throw new IOException(file + ": metadata '" + KEY_SEQUENCES + "' is '" + value + "'; expected a positive count");
    }
}
