package org.pmpdrepro.data;

import org.pmpdrepro.io.WrittenFile;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds the task fixtures from Debian's description lists: reads, splits by package family,
 * decontaminates, extracts the three tasks, selects the committed examples and writes them with a
 * manifest. The same inputs and options give byte-identical files.
 */
public final class FixtureBuilder {

    public static final String GENERATOR = "pmpd-repro build-fixtures";
    public static final String GENERATOR_VERSION = "1";
    public static final int CALIBRATION_TEXT_DOCUMENTS = 2000;
    public static final String CALIBRATION_TEXT_FILE = "calibration-text.jsonl";
    public static final String MANIFEST_FILE = "manifest.json";
    static final String SELECTION_RULE = "per task and split, examples are ordered by the SHA-256 (hex) of their id"
            + " and the first N are kept (test N = --test-size, calibration N = --calibration-size, calibration"
            + " text N = " + CALIBRATION_TEXT_DOCUMENTS + "); each file lists its records sorted by id";

    /** What a build produced. */
    public record Result(FixtureManifest manifest, List<WrittenFile> files, Optional<WrittenFile> trainCorpus) {
        public Result {
            files = List.copyOf(files);
        }
    }

    private FixtureBuilder() {}

    public static Result build(BuildOptions options, Consumer<String> log) {
        List<DebianDescription> english = readLanguage(options.english(), "en");
        List<DebianDescription> french = readLanguage(options.french(), "fr");
        log.accept("read " + english.size() + " English and " + french.size() + " French descriptions");

        Map<String, DebianDescription> frenchByKey = index(french, options.french());
        index(english, options.english());
        Map<Split, List<PackageText>> texts = new EnumMap<>(Split.class);
        Map<Split, Set<String>> families = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            texts.put(s, new ArrayList<>());
            families.put(s, new HashSet<>());
        }
        for (DebianDescription en : english) {
            String family = SplitRule.familyKey(en.packageName());
            Split split = SplitRule.splitOfFamily(family);
            families.get(split).add(family);
            texts.get(split).add(new PackageText(en, Optional.ofNullable(frenchByKey.get(en.joinKey()))));
        }

        Decontaminator decontaminator = new Decontaminator(texts.get(Split.TRAIN));
        int droppedCalibration = dropSeen(texts.get(Split.CALIBRATION), decontaminator);
        int droppedTest = dropSeen(texts.get(Split.TEST), decontaminator);
        FixtureManifest.Counts recordCounts = counts(s -> texts.get(s).size());
        checkSplitSizes(recordCounts);
        log.accept("split (descriptions): " + recordCounts + "; dropped as seen in train: calibration "
                + droppedCalibration + ", test " + droppedTest);

        Map<Task, Map<Split, List<TaskExample>>> examples = new EnumMap<>(Task.class);
        for (Task t : Task.values()) {
            examples.put(t, new EnumMap<>(Split.class));
            for (Split s : Split.values()) {
                examples.get(t).put(s, new ArrayList<>());
            }
        }
        int droppedPairs = 0;
        Set<String> ids = new HashSet<>();
        for (Split split : Split.values()) {
            for (PackageText text : texts.get(split)) {
                for (TaskExample e : TaskExtractor.examples(text, split)) {
                    if (split != Split.TRAIN && e.kind() == ExampleKind.PARAGRAPH
                            && decontaminator.paragraphInTrain(e.reference())) {
                        droppedPairs++;
                        continue;
                    }
                    if (!ids.add(e.id())) {
                        throw new IllegalStateException("two examples share the id " + e.id()
                                + "; package names and description md5 prefixes must identify a description");
                    }
                    examples.get(e.task()).get(split).add(e);
                }
            }
        }

        Map<Task, List<TaskExample>> test = new EnumMap<>(Task.class);
        Map<Task, List<TaskExample>> calibration = new EnumMap<>(Task.class);
        for (Task t : Task.values()) {
            List<TaskExample> available = examples.get(t).get(Split.TEST);
            if (available.size() < options.minTestSize()) {
                throw new IllegalStateException("task " + t.id() + " has only " + available.size()
                        + " test examples after splitting and decontamination; at least " + options.minTestSize()
                        + " are required (use larger description lists)");
            }
            test.put(t, select(available, options.testSize(), TaskExample::id));
            calibration.put(t, select(examples.get(t).get(Split.CALIBRATION), options.calibrationSize(), TaskExample::id));
        }

        Path out = options.outDir();
        List<WrittenFile> written = new ArrayList<>();
        List<FixtureManifest.TaskEntry> taskEntries = new ArrayList<>();
        for (Task t : Task.values()) {
            WrittenFile testFile = writeExamples(out.resolve(t.id()).resolve("test.jsonl"), test.get(t));
            WrittenFile calFile = writeExamples(out.resolve(t.id()).resolve("calibration.jsonl"), calibration.get(t));
            written.add(testFile);
            written.add(calFile);
            int trainCount = examples.get(t).get(Split.TRAIN).size();
            taskEntries.add(new FixtureManifest.TaskEntry(t.id(), t.template(), Task.COMPLETION_CONVENTION,
                    t.maxNewTokens(), t.metrics(), t.scoredAgainst(),
                    counts(s -> examples.get(t).get(s).size()),
                    new FixtureManifest.Counts(options.trainOut().isPresent() ? trainCount : 0,
                            calibration.get(t).size(), test.get(t).size()),
                    List.of(entry(out, calFile), entry(out, testFile))));
            log.accept(t.id() + ": available " + counts(s -> examples.get(t).get(s).size()) + ", written test "
                    + test.get(t).size() + ", calibration " + calibration.get(t).size());
        }

        List<PackageText> calTexts = select(texts.get(Split.CALIBRATION), CALIBRATION_TEXT_DOCUMENTS, FixtureBuilder::docId);
        WrittenFile calText = AtomicFiles.writeLines(out.resolve(CALIBRATION_TEXT_FILE), sink -> {
            for (PackageText text : calTexts) {
                sink.line(ExampleJson.line(new ExampleJson.Document(docId(text), text.english().document())));
            }
        });
        written.add(calText);

        Optional<WrittenFile> corpus = options.trainOut().map(path ->
                writeTrainCorpus(path, texts.get(Split.TRAIN), examples, options.shuffleSeed()));

        FixtureManifest manifest = new FixtureManifest(
                GENERATOR,
                GENERATOR_VERSION,
                options.commandLine(),
                List.of(source(options.english(), "en", english.size()), source(options.french(), "fr", french.size())),
                new FixtureManifest.SplitInfo(SplitRule.SALT, SplitRule.BUCKETS,
                        List.of(new FixtureManifest.BucketRange("test", 0, SplitRule.TEST_END),
                                new FixtureManifest.BucketRange("calibration", SplitRule.TEST_END, SplitRule.CALIBRATION_END),
                                new FixtureManifest.BucketRange("train", SplitRule.CALIBRATION_END, SplitRule.BUCKETS)),
                        SplitRule.FAMILY_RULE, counts(s -> families.get(s).size()), recordCounts),
                new FixtureManifest.Decontamination(Decontaminator.RULE,
                        new FixtureManifest.Counts(0, droppedCalibration, droppedTest), droppedPairs),
                SELECTION_RULE,
                Task.COMPLETION_CONVENTION,
                taskEntries,
                entry(out, calText),
                corpus.map(c -> new FixtureManifest.TrainCorpus(c.path().getFileName().toString(), c.sha256(),
                        c.lines(), c.bytes(), options.shuffleSeed(), texts.get(Split.TRAIN).size())).orElse(null));
        WrittenFile manifestFile = ManifestJson.write(out.resolve(MANIFEST_FILE), manifest);
        written.add(manifestFile);
        return new Result(manifest, written, corpus);
    }

    private static List<DebianDescription> readLanguage(Path file, String language) {
        List<DebianDescription> list = DebianDescriptions.read(file);
        for (DebianDescription d : list) {
            if (!d.language().equals(language)) {
                throw new InputFormatException(file.toString(), d.line(), "package " + d.packageName()
                        + " has Description-" + d.language() + ", expected Description-" + language);
            }
        }
        if (list.isEmpty()) {
            throw new InputFormatException(file.toString(), 0, "no descriptions in the file");
        }
        return list;
    }

    private static Map<String, DebianDescription> index(List<DebianDescription> list, Path file) {
        Map<String, DebianDescription> byKey = new HashMap<>();
        for (DebianDescription d : list) {
            DebianDescription previous = byKey.putIfAbsent(d.joinKey(), d);
            if (previous != null) {
                throw new InputFormatException(file.toString(), d.line(), "package " + d.packageName()
                        + " with Description-md5 " + d.descriptionMd5() + " already listed at line " + previous.line());
            }
        }
        return byKey;
    }

    private static int dropSeen(List<PackageText> heldOut, Decontaminator decontaminator) {
        int before = heldOut.size();
        heldOut.removeIf(decontaminator::seenInTrain);
        return before - heldOut.size();
    }

    /** Guards against a broken split rule: shares must be near the bucket ranges on real-sized input. */
    private static void checkSplitSizes(FixtureManifest.Counts c) {
        int total = c.train() + c.calibration() + c.test();
        if (c.train() == 0 || c.calibration() == 0 || c.test() == 0) {
            throw new IllegalStateException("a split is empty: " + c);
        }
        if (total < 10_000) {
            return; // small samples are too lumpy for share checks
        }
        checkShare("test", c.test(), total, SplitRule.TEST_END);
        checkShare("calibration", c.calibration(), total, SplitRule.CALIBRATION_END - SplitRule.TEST_END);
    }

    private static void checkShare(String name, int count, int total, int buckets) {
        double expected = (double) buckets / SplitRule.BUCKETS;
        double share = (double) count / total;
        if (share < 0.5 * expected || share > 1.5 * expected) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "%s split holds %.4f of the descriptions, expected about %.4f", name, share, expected));
        }
    }

    /** The first {@code n} by SHA-256 of the key, returned sorted by key. */
    static <T> List<T> select(List<T> items, int n, java.util.function.Function<T, String> key) {
        record Keyed<T>(String hash, T item) {}
        return items.stream()
                .map(x -> new Keyed<>(Hashes.sha256Hex(key.apply(x)), x))
                .sorted(Comparator.comparing(Keyed::hash))
                .limit(n)
                .map(Keyed::item)
                .sorted(Comparator.comparing(key))
                .toList();
    }

    static String docId(PackageText text) {
        return "doc/" + text.packageName() + "/" + text.english().shortMd5();
    }

    private static WrittenFile writeExamples(Path file, List<TaskExample> examples) {
        return AtomicFiles.writeLines(file, sink -> {
            for (TaskExample e : examples) {
                sink.line(ExampleJson.toJson(e));
            }
        });
    }

    /** Documents plus completions of every task from train packages only, shuffled with a fixed seed. */
    private static WrittenFile writeTrainCorpus(Path path, List<PackageText> train,
            Map<Task, Map<Split, List<TaskExample>>> examples, long seed) {
        List<String> lines = new ArrayList<>();
        for (PackageText text : train) {
            lines.add(ExampleJson.line(new ExampleJson.Text(text.english().document())));
        }
        for (Task t : Task.values()) {
            for (TaskExample e : examples.get(t).get(Split.TRAIN)) {
                lines.add(ExampleJson.line(new ExampleJson.Text(e.completion())));
            }
        }
        // Fisher-Yates with java.util.Random, whose sequence the Java specification fixes for a seed.
        Random random = new Random(seed);
        for (int i = lines.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String tmp = lines.get(i);
            lines.set(i, lines.get(j));
            lines.set(j, tmp);
        }
        return AtomicFiles.writeLines(path, sink -> {
            for (String line : lines) {
                sink.line(line);
            }
        });
    }

    private static FixtureManifest.Source source(Path file, String language, int records) {
        return new FixtureManifest.Source(file.getFileName().toString(), language, Hashes.sha256Hex(file), records);
    }

    private static FixtureManifest.FileEntry entry(Path outDir, WrittenFile file) {
        String relative = outDir.toAbsolutePath().relativize(file.path().toAbsolutePath()).toString().replace('\\', '/');
        return new FixtureManifest.FileEntry(relative, file.sha256(), file.lines());
    }

    private static FixtureManifest.Counts counts(java.util.function.ToIntFunction<Split> count) {
        return new FixtureManifest.Counts(
                count.applyAsInt(Split.TRAIN), count.applyAsInt(Split.CALIBRATION), count.applyAsInt(Split.TEST));
    }
}
