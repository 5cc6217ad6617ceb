package org.pmpdrepro.quant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.ClearSystemProperty;
import org.junitpioneer.jupiter.SetSystemProperty;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.anyprec.AnyPrecisionCodec;
import org.pmpdrepro.quant.rtn.RtnCodec;
import org.pmpdrepro.quant.rtn.RtnQuantizer;
import org.pmpdrepro.quant.store.QuantizationStore.Mode;

@Tag("unit")
class QuantizationStoreTest {

    static final QuantizationCodec RTN = new RtnCodec();

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();
    static final InMemoryWeights MODEL = TinyLlamaFactory.randomModel(CONFIG, 3L);
    static final CacheKey KEY = key("model-3");

    @TempDir
    Path root;

    static CacheKey key(String model) {
        return CacheKey.of("rtn", Map.of("bit_widths", "2,3,4", "group_size", "0"), model, CacheKey.NONE,
                CacheKey.NONE, "1");
    }

    /** Counts how often the store asked for a build. */
    static final class CountingBuilder implements QuantizationStore.Builder {
        final AtomicInteger calls = new AtomicInteger();
        final InMemoryWeights model;

        CountingBuilder(InMemoryWeights model) {
            this.model = model;
        }

        @Override
        public QuantizedModel build() throws IOException {
            calls.incrementAndGet();
            return RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(model, QuantizationInputs.none());
        }
    }

    QuantizedModel fill(QuantizationStore store) throws IOException {
        return store.getOrBuild(KEY, RTN, CONFIG, new CountingBuilder(MODEL));
    }

    @Test
    void aSecondRequestWithTheSameInputsReusesTheEntryWithoutBuilding() throws IOException {
        QuantizationStore store = new QuantizationStore(root, Mode.STRICT);
        CountingBuilder builder = new CountingBuilder(MODEL);
        QuantizedModel first = store.getOrBuild(KEY, RTN, CONFIG, builder);
        QuantizedModel second = store.getOrBuild(KEY, RTN, CONFIG, builder);
        QuantizedModel fromAnotherStore = new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, CONFIG, builder);
        assertThat(builder.calls).hasValue(1);
        CodecRoundTripTest.assertSame(first, second);
        CodecRoundTripTest.assertSame(first, fromAnotherStore);
    }

    /** Dated an hour back, as scratch a run killed before this JVM started is. */
    static Path leftBehind(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return p;
    }

    @Test
    void scratchThatAKilledBuildLeftIsRemovedWhenTheStoreIsNextUsedAndLiveScratchIsKept() throws IOException {
        Path killed = Files.createDirectories(root.resolve("." + KEY.directoryName() + ".tmp-123"));
        Files.write(killed.resolve("model.safetensors"), new byte[1 << 20]);
        leftBehind(killed);
        Path aside = leftBehind(Files.createDirectories(root.resolve(".rtn-0123.stale-99")));
        Path recent = Files.createDirectories(root.resolve(".rtn-abcd.tmp-456"));
        Path notScratch = leftBehind(Files.createDirectories(root.resolve("notes")));
        fill(new QuantizationStore(root, Mode.STRICT));
        assertThat(killed).doesNotExist();
        assertThat(aside).doesNotExist();
        assertThat(recent).as("newer than this JVM: maybe another run's build in progress").exists();
        assertThat(notScratch).exists();
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(KEY.directoryName(), recent.getFileName().toString(), "notes");
        }
        assertThat(root.resolve(KEY.directoryName()).resolve(".owner")).as("the claim never reaches the entry")
                .doesNotExist();
    }

    @Test
    void theEntryHoldsTheWeightsAndAManifestNamingEveryInputAndTheFileHash() throws IOException {
        fill(new QuantizationStore(root, Mode.STRICT));
        Path dir = root.resolve(KEY.directoryName());
        assertThat(dir.getFileName().toString()).startsWith("rtn-");
        String manifest = Files.readString(dir.resolve("manifest.json"));
        assertThat(manifest).contains("\"method\" : \"rtn\"", "\"model_sha256\" : \"model-3\"",
                "\"calibration_sha256\" : \"none\"", "\"sensitivity_sha256\" : \"none\"", "\"code_version\" : \"1\"",
                "\"bit_widths\" : \"2,3,4\"", "\"count\" : " + 14 * 3 * 3,
                Hashes.sha256Hex(dir.resolve("model.safetensors")));
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(KEY.directoryName());
        }
    }

    @Test
    void everyInputOfTheKeyChangesTheEntry() {
        List<CacheKey> keys = List.of(KEY,
                CacheKey.of("any-precision", KEY.parameters(), "model-3", "none", "none", "1"),
                CacheKey.of("rtn", Map.of("bit_widths", "2,3,4", "group_size", "64"), "model-3", "none", "none", "1"),
                key("model-4"),
                CacheKey.of("rtn", KEY.parameters(), "model-3", "calib", "none", "1"),
                CacheKey.of("rtn", KEY.parameters(), "model-3", "none", "fisher", "1"),
                CacheKey.of("rtn", KEY.parameters(), "model-3", "none", "none", "2"));
        assertThat(keys.stream().map(CacheKey::directoryName).distinct()).hasSize(keys.size());
    }

    /** Damages the entry, then checks it is rebuilt in the default mode and rejected in strict mode. */
    void assertRebuiltOrRejected(CorruptEntry damage, LlamaConfig config, CountingBuilder builder, String... problem)
            throws IOException {
        fill(new QuantizationStore(root, Mode.STRICT));
        Path dir = root.resolve(KEY.directoryName());
        damage.apply(dir);
        assertThatThrownBy(() -> new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, config, builder))
                .isInstanceOf(CorruptArtefactException.class).hasMessageContaining(dir.toString())
                .hasMessageContainingAll(problem);
        assertThat(builder.calls).as("strict mode builds nothing").hasValue(0);
        QuantizedModel rebuilt = new QuantizationStore(root, Mode.REBUILD).getOrBuild(KEY, RTN, config, builder);
        assertThat(builder.calls).as("rebuilt once").hasValue(1);
        QuantizedModel reread = new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, config, builder);
        assertThat(builder.calls).as("the rebuilt entry is valid").hasValue(1);
        CodecRoundTripTest.assertSame(rebuilt, reread);
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no scratch directories left")
                    .containsExactly(KEY.directoryName());
        }
    }

    @FunctionalInterface
    interface CorruptEntry {
        void apply(Path dir) throws IOException;
    }

    @Test
    void anEntryWhoseWeightsNoLongerMatchTheirHashIsRebuiltOrRejected() throws IOException {
        assertRebuiltOrRejected(dir -> {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
                f.seek(f.length() - 3);
                int b = f.read();
                f.seek(f.length() - 3);
                f.write(b ^ 0x40);
            }
        }, CONFIG, new CountingBuilder(MODEL), "model.safetensors", "SHA-256 mismatch");
    }

    @Test
    void aTruncatedWeightsFileIsRebuiltOrRejected() throws IOException {
        assertRebuiltOrRejected(dir -> {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
        }, CONFIG, new CountingBuilder(MODEL), "truncated", "bytes; the manifest records");
    }

    @Test
    void anEntryFromAnotherModelIsRebuiltOrRejected() throws IOException {
        CacheKey other = key("model-9");
        new QuantizationStore(root, Mode.STRICT).getOrBuild(other, RTN, CONFIG, new CountingBuilder(MODEL));
        assertRebuiltOrRejected(dir -> {
            Path theirs = root.resolve(other.directoryName());
            for (String f : new String[] {"manifest.json", "model.safetensors"}) {
                Files.copy(theirs.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.walk(theirs).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }, CONFIG, new CountingBuilder(MODEL), "manifest.json", "model_sha256 is model-9, expected model-3");
    }

    @Test
    void anEntryWhoseShapesDoNotFitTheConfigurationIsRebuiltOrRejected() throws IOException {
        // The same key asked for with a wider model: the stored tensors cannot serve it.
        LlamaConfig wider = new LlamaConfig(50, 32, 32, 2, 4, 2, 256, 1e-5, 10000.0, false, 1, 2);
        assertRebuiltOrRejected(dir -> { }, wider, new CountingBuilder(TinyLlamaFactory.randomModel(wider, 3L)),
                "does not fit the model configuration", "expected [32, 32]");
    }

    @Test
    void anEntryWithoutManifestIsRebuiltOrRejected() throws IOException {
        assertRebuiltOrRejected(dir -> Files.delete(dir.resolve("manifest.json")), CONFIG, new CountingBuilder(MODEL),
                "manifest.json", "missing");
    }

    @Test
    void aManifestEditedByHandIsRebuiltOrRejected() throws IOException {
        assertRebuiltOrRejected(dir -> {
            Path m = dir.resolve("manifest.json");
            Files.writeString(m, Files.readString(m).replace("\"code_version\" : \"1\"", "\"code_version\" : \"0\""));
        }, CONFIG, new CountingBuilder(MODEL), "key_sha256");
    }

    @Test
    void aManifestWithAValueOfAnotherTypeOrAnUnknownFieldIsRebuiltOrRejectedNamingItsPath() throws IOException {
        assertRebuiltOrRejected(dir -> {
            Path m = dir.resolve("manifest.json");
            Files.writeString(m, Files.readString(m).replaceFirst("\"bytes\" : \\d+", "\"bytes\" : \"many\""));
        }, CONFIG, new CountingBuilder(MODEL), "field 'weights.bytes': \"many\": expected an integer");
        assertRebuiltOrRejected(dir -> {
            Path m = dir.resolve("manifest.json");
            Files.writeString(m, Files.readString(m).replace("\"method\" :", "\"note\" : \"x\",\n  \"method\" :"));
        }, CONFIG, new CountingBuilder(MODEL), "field 'note': unknown field");
    }

    @Test
    void concurrentWritersOfOneKeyLeaveOneCompleteEntry() throws Exception {
        CyclicBarrier bothBuilding = new CyclicBarrier(2);
        AtomicInteger calls = new AtomicInteger();
        QuantizationStore.Builder builder = () -> {
            calls.incrementAndGet();
            try {
                bothBuilding.await();
            } catch (Exception e) {
                throw new IOException(e);
            }
            return RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(MODEL, QuantizationInputs.none());
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Two stores on one directory behave as two processes: no shared lock, only the atomic rename.
            Future<QuantizedModel> a = pool.submit(() -> new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, CONFIG, builder));
            Future<QuantizedModel> b = pool.submit(() -> new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, CONFIG, builder));
            CodecRoundTripTest.assertSame(a.get(), b.get());
        } finally {
            pool.shutdown();
        }
        assertThat(calls).hasValue(2);
        CountingBuilder later = new CountingBuilder(MODEL);
        new QuantizationStore(root, Mode.STRICT).getOrBuild(KEY, RTN, CONFIG, later);
        assertThat(later.calls).hasValue(0);
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(KEY.directoryName());
        }
    }

    @Test
    void theBuilderMustMakeTheKeysMethodForTheConfiguration() {
        CacheKey ap = CacheKey.of("any-precision", Map.of(), "model-3", "none", "none", "1");
        assertThatThrownBy(() -> new QuantizationStore(root, Mode.STRICT).getOrBuild(ap, new AnyPrecisionCodec(), CONFIG, new CountingBuilder(MODEL)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("made a rtn model");
    }

    @Test
    @SetSystemProperty(key = "pmpd.quantCache", value = "somewhere/else")
    void theCacheDirectoryIsTakenFromTheSystemProperty() {
        assertThat(QuantizationStore.atDefaultLocation().root()).isEqualTo(Path.of("somewhere", "else"));
    }

    @Test
    @ClearSystemProperty(key = "pmpd.quantCache")
    void withoutThePropertyTheCacheIsUnderTarget() {
        assertThat(QuantizationStore.atDefaultLocation().root()).isEqualTo(Path.of("target", "quant-cache"));
        assertThat(QuantizationStore.atDefaultLocation().mode()).isEqualTo(Mode.REBUILD);
    }
}
