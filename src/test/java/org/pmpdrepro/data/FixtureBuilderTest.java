package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.Hashes;

@Tag("unit")
class FixtureBuilderTest {

    static final Path EN = DebianDescriptionsTest.SAMPLE.resolve("bookworm-main-Translation-en.lz4");
    static final Path FR = DebianDescriptionsTest.SAMPLE.resolve("bookworm-main-Translation-fr.lz4");

    @TempDir
    static Path shared;

    static FixtureBuilder.Result built;
    static Path out;
    static Path corpus;

    static BuildOptions options(Path outDir, Path trainOut, int minTest) {
        return new BuildOptions(EN, FR, outDir, Optional.ofNullable(trainOut), 40, 60, minTest, 7L, "pmpd test");
    }

    @BeforeAll
    static void buildOnce() {
        out = shared.resolve("fixtures");
        corpus = shared.resolve("train.jsonl");
        built = FixtureBuilder.build(options(out, corpus, 10), line -> {});
    }

    /** Package names of the documents in the train corpus. */
    static Set<String> trainPackages() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> packages = new HashSet<>();
        for (String line : Files.readAllLines(corpus)) {
            String text = json.readTree(line).get("text").textValue();
            packages.add(text.substring("Package: ".length(), text.indexOf('\n')));
        }
        return packages;
    }

    static List<TaskExample> heldOut() {
        List<TaskExample> all = new ArrayList<>();
        for (Task t : Task.values()) {
            all.addAll(TaskFixtures.load(out, t, Split.TEST));
            all.addAll(TaskFixtures.load(out, t, Split.CALIBRATION));
        }
        return all;
    }

    @Test
    @DisplayName("no package family of a test or calibration example occurs in the train corpus")
    void familiesAreDisjoint() throws IOException {
        Set<String> trainFamilies = new HashSet<>();
        for (String p : trainPackages()) {
            trainFamilies.add(SplitRule.familyKey(p));
        }
        List<TaskExample> heldOut = heldOut();
        assertThat(heldOut).isNotEmpty();
        assertThat(heldOut).allSatisfy(e -> {
            assertThat(trainFamilies).doesNotContain(SplitRule.familyKey(e.packageName()));
            assertThat(SplitRule.splitOf(e.packageName())).isEqualTo(e.split());
        });
    }

    @Test
    @DisplayName("no held-out synopsis or first paragraph equals one in the train split, and some were dropped")
    void heldOutTextIsNotInTrain() {
        List<DebianDescription> en = DebianDescriptions.read(EN);
        Set<String> trainText = new HashSet<>();
        for (DebianDescription d : en) {
            if (SplitRule.splitOf(d.packageName()) == Split.TRAIN) {
                trainText.add(d.synopsis().toLowerCase(Locale.ROOT));
                if (!d.paragraphs().isEmpty()) {
                    trainText.add(d.paragraphs().get(0).text().toLowerCase(Locale.ROOT));
                }
            }
        }
        Set<String> heldOutKeys = new HashSet<>();
        heldOut().forEach(e -> heldOutKeys.add(e.packageName() + "/" + e.descriptionMd5()));
        for (DebianDescription d : en) {
            if (heldOutKeys.contains(d.packageName() + "/" + d.descriptionMd5())) {
                assertThat(trainText).doesNotContain(d.synopsis().toLowerCase(Locale.ROOT));
                if (!d.paragraphs().isEmpty()) {
                    assertThat(trainText).doesNotContain(d.paragraphs().get(0).text().toLowerCase(Locale.ROOT));
                }
            }
        }
        FixtureManifest.Counts dropped = built.manifest().decontamination().droppedRecords();
        assertThat(dropped.test() + dropped.calibration()).isPositive();
    }

    @Test
    @DisplayName("building twice gives byte-identical fixtures, manifest and train corpus")
    void deterministic(@TempDir Path other) throws IOException {
        Path out2 = other.resolve("fixtures");
        Path corpus2 = other.resolve("train.jsonl");
        FixtureBuilder.build(options(out2, corpus2, 10), line -> {});
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(Files::isRegularFile).map(out::relativize).sorted().toList();
        }
        assertThat(files).hasSize(8);
        for (Path f : files) {
            assertThat(Files.readAllBytes(out2.resolve(f))).as(f.toString()).isEqualTo(Files.readAllBytes(out.resolve(f)));
        }
        assertThat(Files.readAllBytes(corpus2)).isEqualTo(Files.readAllBytes(corpus));
    }

    @Test
    @DisplayName("the manifest records every written file with its true SHA-256 and line count")
    void manifestMatchesFiles() {
        FixtureManifest m = TaskFixtures.manifest(out);
        assertThat(m).isEqualTo(built.manifest());
        assertThat(m.commandLine()).isEqualTo("pmpd test");
        assertThat(m.sources()).extracting(FixtureManifest.Source::file, FixtureManifest.Source::records)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("bookworm-main-Translation-en.lz4", 494),
                        org.assertj.core.groups.Tuple.tuple("bookworm-main-Translation-fr.lz4", 339));
        assertThat(m.sources().get(0).sha256()).isEqualTo(Hashes.sha256Hex(EN));
        for (Task t : Task.values()) {
            FixtureManifest.TaskEntry entry = m.task(t);
            assertThat(entry.template()).isEqualTo(t.template());
            assertThat(entry.maxNewTokens()).isEqualTo(t.maxNewTokens());
            assertThat(entry.written().test()).isEqualTo(TaskFixtures.load(out, t, Split.TEST).size()).isEqualTo(40);
            for (FixtureManifest.FileEntry f : entry.files()) {
                assertThat(Hashes.sha256Hex(out.resolve(f.file()))).as(f.file()).isEqualTo(f.sha256());
            }
        }
        assertThat(m.trainCorpus().sha256()).isEqualTo(Hashes.sha256Hex(corpus));
        assertThat(m.trainCorpus().lines()).isEqualTo(built.trainCorpus().orElseThrow().lines());
    }

    @Test
    @DisplayName("fixture files list their examples sorted by id, chosen by SHA-256 of the id")
    void selectionRule() {
        for (Task t : Task.values()) {
            List<String> ids = TaskFixtures.load(out, t, Split.TEST).stream().map(TaskExample::id).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
        List<String> items = List.of("a", "b", "c", "d", "e");
        List<String> picked = FixtureBuilder.select(items, 2, s -> s);
        List<String> byHash = items.stream().sorted(java.util.Comparator.comparing(Hashes::sha256Hex)).limit(2).sorted().toList();
        assertThat(picked).isEqualTo(byHash);
    }

    @Test
    @DisplayName("the train corpus holds documents and completions of all three tasks from train packages only")
    void trainCorpusContent() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> secondLines = new HashSet<>();
        for (String line : Files.readAllLines(corpus)) {
            String text = json.readTree(line).get("text").textValue();
            secondLines.add(text.split("\n")[1].split(":")[0]);
            assertThat(SplitRule.splitOf(text.substring(9, text.indexOf('\n')))).isEqualTo(Split.TRAIN);
        }
        assertThat(secondLines).containsExactlyInAnyOrder("Synopsis", "Description", "French");
    }

    @Test
    @DisplayName("a build with fewer test examples than the minimum fails and writes nothing")
    void tooFewTestExamples(@TempDir Path dir) {
        Path target = dir.resolve("fixtures");
        BuildOptions defaults = new BuildOptions(EN, FR, target, Optional.empty(), BuildOptions.DEFAULT_TEST_SIZE,
                BuildOptions.DEFAULT_CALIBRATION_SIZE, BuildOptions.DEFAULT_MIN_TEST_SIZE, 7L, "pmpd test");
        assertThatThrownBy(() -> FixtureBuilder.build(defaults, line -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test examples")
                .hasMessageContaining("at least 200");
        assertThat(target).doesNotExist();
    }
}
