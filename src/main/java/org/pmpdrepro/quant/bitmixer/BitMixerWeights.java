package org.pmpdrepro.quant.bitmixer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.SafetensorsFile;
import org.pmpdrepro.model.SafetensorsWriter;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;

/**
 * What Bit-Mixer fine-tunes: the one shared (latent, full-precision) weight of every quantized matrix
 * ({@link LinearId#all}, Hugging Face layout {@code [out, in]}), its learned step per output row at each bit-width,
 * and one copy of every block's two RMSNorm gains per width transition, Bit-Mixer's transitional norms: the width
 * of the matrix that wrote the norm's input ({@link LinearId#writtenBefore}) and the width of the matrices it feeds.
 * Block 0's input norm reads the full-precision embedding, so it keeps one gain per width it feeds. Embeddings, the
 * final norm and the head are not fine-tuned; they stay the base model's.
 *
 * <p>Tensor names: the matrix's own name for the latent weight, {@code <matrix>.step.b<bits>} for the steps
 * {@code [out]} and {@code <norm>.b<from>-<to>} for the gains {@code [hidden]}.
 */
public record BitMixerWeights(LlamaConfig config, SortedSet<Integer> bitWidths, Map<String, Tensor> tensors) {

    public BitMixerWeights {
        bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        if (bitWidths.isEmpty()) {
            throw new IllegalArgumentException("bit-mixer: no bit-width given; expected some of 2..8");
        }
        bitWidths.forEach(LsqGrid::requireBits);
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (String name : names(config, bitWidths)) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("bit-mixer weights lack tensor '" + name + "'");
            }
            int[] expected = expectedShape(config, name);
            if (!Arrays.equals(t.shape(), expected)) {
                throw new IllegalArgumentException("bit-mixer tensor '" + name + "' has shape "
                        + Arrays.toString(t.shape()) + "; expected " + Arrays.toString(expected));
            }
            copy.put(name, t);
        }
        if (tensors.size() != copy.size()) {
            List<String> extra = new ArrayList<>(tensors.keySet());
            extra.removeAll(copy.keySet());
            throw new IllegalArgumentException("bit-mixer weights hold unexpected tensors " + extra + " for bit-widths "
                    + bitWidths);
        }
        tensors = Collections.unmodifiableMap(copy);
    }

    /** The starting point of fine-tuning: the base model's weights and norms, MSE-optimal steps. */
    public static BitMixerWeights initial(WeightSource base, SortedSet<Integer> bitWidths) throws IOException {
        LlamaConfig config = base.config();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int l = 0; l < config.numLayers(); l++) {
            out.putAll(initialBlock(base, bitWidths, l));
        }
        return new BitMixerWeights(config, bitWidths, out);
    }

    /**
     * The starting point of block {@code layer}'s tensors: its latent matrices (the base model's), their MSE-optimal
     * steps at every width, and its norm gains (the base model's) for every transition.
     */
    static Map<String, Tensor> initialBlock(WeightSource base, SortedSet<Integer> bitWidths, int layer)
            throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Linear proj : Linear.values()) {
            LinearId id = new LinearId(layer, proj);
            Tensor w = base.tensor(id.weightName());
            out.put(id.weightName(), new Tensor(id.weightName(), w.shape(), w.data()));
            int rows = w.dim(0);
            int cols = w.dim(1);
            for (int b : bitWidths) {
                float[] steps = new float[rows];
                for (int r = 0; r < rows; r++) {
                    steps[r] = LsqGrid.initialStep(w.data(), r * cols, cols, b);
                }
                out.put(stepName(id, b), new Tensor(stepName(id, b), new int[] {rows}, steps));
            }
        }
        for (BlockNorm n : BlockNorm.values()) {
            Tensor gain = base.tensor(n.weightName(layer));
            for (int[] t : transitions(layer, n, bitWidths)) {
                String name = normName(layer, n, t[0], t[1]);
                out.put(name, new Tensor(name, gain.shape(), gain.data()));
            }
        }
        return out;
    }

    /**
     * The width transitions {@code {from, to}} norm {@code norm} of block {@code layer} keeps a gain for: every pair
     * of widths, or {@code {b, b}} alone where no quantized matrix writes its input.
     */
    static List<int[]> transitions(int layer, BlockNorm norm, SortedSet<Integer> bitWidths) {
        List<int[]> out = new ArrayList<>();
        boolean written = LinearId.writtenBefore(layer, norm).isPresent();
        for (int from : bitWidths) {
            for (int to : bitWidths) {
                if (written || from == to) {
                    out.add(new int[] {from, to});
                }
            }
        }
        return out;
    }

    /** Every tensor name, in a fixed order: per block, latent matrices and their steps, then the gains. */
    static List<String> names(LlamaConfig config, SortedSet<Integer> bitWidths) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            for (Linear proj : Linear.values()) {
                LinearId id = new LinearId(l, proj);
                names.add(id.weightName());
                for (int b : bitWidths) {
                    names.add(stepName(id, b));
                }
            }
            for (BlockNorm n : BlockNorm.values()) {
                for (int[] t : transitions(l, n, bitWidths)) {
                    names.add(normName(l, n, t[0], t[1]));
                }
            }
        }
        return names;
    }

    static String stepName(LinearId id, int bits) {
        return id.weightName() + ".step.b" + bits;
    }

    static String normName(int layer, BlockNorm norm, int fromBits, int toBits) {
        return norm.weightName(layer) + ".b" + fromBits + "-" + toBits;
    }

    private static int[] expectedShape(LlamaConfig c, String name) {
        if (name.contains("layernorm")) {
            return new int[] {c.hiddenSize()};
        }
        for (LinearId id : LinearId.all(c)) {
            if (name.startsWith(id.weightName())) {
                int out = id.proj().outFeatures(c);
                int in = id.proj().inFeatures(c);
                return name.equals(id.weightName()) ? new int[] {out, in} : new int[] {out};
            }
        }
        throw new IllegalArgumentException("bit-mixer: unknown tensor '" + name + "'");
    }

    /** The shared latent weight {@code [out, in]}. */
    public Tensor latent(LinearId id) {
        return tensors.get(id.weightName());
    }

    /** The learned steps {@code [out]} of {@code id} at {@code bits}. */
    public float[] steps(LinearId id, int bits) {
        requireServed(bits);
        return tensors.get(stepName(id, bits)).data().clone();
    }

    /**
     * The gain {@code [hidden]} of {@code norm} in block {@code layer} from a writer at {@code fromBits} to readers at
     * {@code toBits} (for block 0's input norm, {@code fromBits} must equal {@code toBits}).
     */
    public Tensor norm(int layer, BlockNorm norm, int fromBits, int toBits) {
        requireServed(fromBits);
        requireServed(toBits);
        Tensor t = tensors.get(normName(layer, norm, fromBits, toBits));
        if (t == null) {
            throw new IllegalArgumentException("bit-mixer keeps no " + norm + " gain of block " + layer + " from "
                    + fromBits + " to " + toBits + " bits; nothing quantized writes its input, so only the width it"
                    + " feeds selects it");
        }
        return t;
    }

    private void requireServed(int bits) {
        if (!bitWidths.contains(bits)) {
            throw new IllegalArgumentException("bit-mixer weights were fine-tuned for bit-widths " + bitWidths
                    + ", not " + bits);
        }
    }

    /** Writes every tensor as fp32 safetensors, atomically, with the bit-widths in the header's metadata. */
    public void write(Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("bit_widths", bitWidthsText(bitWidths));
        SafetensorsWriter.write(file, List.copyOf(tensors.values()), DType.F32, meta);
    }

    /** Reads weights written by {@link #write} for a model of {@code config}; wrong shapes or names are errors. */
    public static BitMixerWeights read(Path file, LlamaConfig config) throws IOException {
        try (SafetensorsFile in = SafetensorsFile.open(file)) {
            String widths = in.metadata().get("bit_widths");
            if (widths == null) {
                throw new IllegalArgumentException(file + ": header metadata has no 'bit_widths'; expected e.g. '2,3,4'");
            }
            SortedSet<Integer> bits = parseBitWidths(widths, file + " metadata 'bit_widths'");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : in.names()) {
                tensors.put(name, in.read(name));
            }
            try {
                return new BitMixerWeights(config, bits, tensors);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }

    static String bitWidthsText(SortedSet<Integer> bits) {
        return String.join(",", bits.stream().map(String::valueOf).toList());
    }

    static SortedSet<Integer> parseBitWidths(String text, String where) {
        SortedSet<Integer> out = new TreeSet<>();
        for (String part : text.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " is '" + text + "'; expected comma-separated bit-widths"
                        + " such as '2,3,4'", e);
            }
        }
        return out;
    }
}
