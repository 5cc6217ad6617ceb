package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.eval.RandomModelDirectory;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.haq.HaqPolicyFile;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** {@code pmpd quant-table} on a random model directory with a few lines of each fixture file. */
@Tag("unit")
class QuantTableCommandTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path fixtures;

    private record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void writeInputs() throws IOException {
        model = RandomModelDirectory.write(dir.resolve("model"), 6L);
        fixtures = dir.resolve("tasks");
        Path committed = Path.of("fixtures", "tasks");
        for (Task t : Task.values()) {
            copyHead(committed.resolve(t.id()).resolve("test.jsonl"), fixtures.resolve(t.id()).resolve("test.jsonl"), 2);
        }
        copyHead(committed.resolve("calibration-text.jsonl"), fixtures.resolve("calibration-text.jsonl"), 4);
    }

    static void copyHead(Path from, Path to, int lines) throws IOException {
        Files.createDirectories(to.getParent());
        try (var in = Files.lines(from)) {
            Files.write(to, in.limit(lines).toList());
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run table(Path out, Path cache, String... extra) {
        return table(out, cache, dir.resolve("no-quant-fixtures"), extra);
    }

    /** The random model has no HAQ policies or Bit-Mixer weights, so its table covers the other three. */
    static Run table(Path out, Path cache, Path quantFixtures, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("quant-table", "--model", model.toString(), "--device",
                "cpu", "--fixtures", fixtures.toString(), "--calibration-sequences", "3", "--quant-fixtures",
                quantFixtures.toString(), "--batch-size", "4", "--cache", cache.toString(), "--out", out.toString()));
        if (!List.of(extra).contains("--methods")) {
            args.addAll(List.of("--methods", "any-precision,gptq,rtn"));
        }
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void theTableHasFullPrecisionAndEveryMethodAtEachBitWidthWithResidentBytes() throws IOException {
        Path out = dir.resolve("out");
        Path cache = dir.resolve("cache");
        Run r = table(out, cache);
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("quant-table.csv"));
        assertThat(csv.get(0)).isEqualTo("method,precision,calibration_ppl,test_ppl,read_bytes_per_token,"
                + "table_bytes_per_token,effective_bits,resident_bytes_4_3,resident_bytes_3_2");
        assertThat(csv.subList(1, csv.size())).extracting(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1)))
                .containsExactly("full,full", "any-precision,2", "any-precision,3", "any-precision,4", "gptq,2",
                        "gptq,3", "gptq,4", "rtn,2", "rtn,3", "rtn,4");
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertThat(Double.parseDouble(f[2])).as(line).isGreaterThan(1.0).isFinite();
            assertThat(Double.parseDouble(f[3])).as(line).isGreaterThan(1.0).isFinite();
        }
        // Resident bytes as the back-bone's own accounting gives them.
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(model)) {
            QuantizedModel rtn = RtnQuantizer.equalBytes(Set.of(2, 3, 4)).quantize(ckpt, QuantizationInputs.none());
            String[] rtn2 = csv.get(8).split(",", -1);
            assertThat(rtn2[7]).isEqualTo(Long.toString(rtn.memory(Set.of(4, 3)).residentBytes()));
            assertThat(rtn2[8]).isEqualTo(Long.toString(rtn.memory(Set.of(3, 2)).residentBytes()));
            assertThat(rtn2[4]).isEqualTo(Long.toString(rtn.bytesReadPerToken(2)));
            assertThat(rtn2[5]).isEqualTo(Long.toString(rtn.memory(Set.of(2)).tableBytesReadPerToken(2)));
            assertThat(Double.parseDouble(rtn2[6])).isCloseTo(rtn.bytesReadPerToken(2) * 8.0 / rtn.quantizedWeights(),
                    org.assertj.core.api.Assertions.within(1e-6));
            // Grouped to read Any-Precision's bytes: the same bytes and effective bits at every width.
            for (int row = 2; row <= 4; row++) {
                String[] ap = csv.get(row).split(",", -1);
                String[] rtnRow = csv.get(row + 6).split(",", -1);
                assertThat(rtnRow[4]).as("rtn and any-precision at %s bits", ap[1]).isEqualTo(ap[4]);
                assertThat(rtnRow[6]).isEqualTo(ap[6]);
            }
        }
        assertThat(Files.readString(out.resolve("quant-table.md"))).contains("| rtn | 3 |")
                .contains("resident bytes {4,3}").contains("Fisher sensitivities: 4 sequences");
        assertThat(r.out()).contains("| any-precision | 4 |");
        assertThat(cache.resolve("fisher")).isDirectory();
    }

    @Test
    void aSecondRunReusesTheCacheAndWritesTheSameTable() throws IOException {
        Path cache = dir.resolve("cache-twice");
        Run first = table(dir.resolve("first"), cache);
        assertThat(first.exitCode()).as(first.err()).isZero();
        long entries;
        try (var files = Files.list(cache)) {
            entries = files.count();
        }
        Run second = table(dir.resolve("second"), cache);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(Files.readString(dir.resolve("second").resolve("quant-table.csv")))
                .isEqualTo(Files.readString(dir.resolve("first").resolve("quant-table.csv")));
        try (var files = Files.list(cache)) {
            assertThat(files.count()).as("no new cache entries").isEqualTo(entries);
        }
    }

    @Test
    void regeneratingTheFisherSensitivitiesWritesThemWithTheirProvenance() throws IOException {
        Path quantFixtures = dir.resolve("regenerated");
        Run r = table(dir.resolve("out-regen"), dir.resolve("cache-regen"), quantFixtures, "--methods",
                "any-precision", "--bits", "3", "--regenerate-fisher");
        assertThat(r.exitCode()).as(r.err()).isZero();
        FisherSensitivities f = FisherSensitivities.load(quantFixtures.resolve("anyprec").resolve("fisher.safetensors"),
                RandomModelDirectory.CONFIG);
        assertThat(f.provenance().sequences()).as("every calibration document of the reduced fixtures").isEqualTo(4);
        assertThat(Files.readAllLines(dir.resolve("out-regen").resolve("quant-table.csv"))).hasSize(3);
    }

    /** Bit-Mixer's rows are its policies at Any-Precision's bytes, labelled with their average bits. */
    private static String bitMixerRow(String policy) throws IOException {
        LlamaConfig config = LlamaConfig.read(Path.of("fixtures", "model", "config.json"));
        try (org.pmpdrepro.decode.ModelBundle bundle = org.pmpdrepro.decode.ModelBundle.open(Path.of("fixtures", "model"),
                org.pmpdrepro.decode.DeviceChoice.CPU)) {
            var model = new org.pmpdrepro.quant.methods.Backbones(Path.of("fixtures", "tasks"),
                    Path.of("fixtures", "quant"), org.pmpdrepro.quant.store.QuantizationStore.atDefaultLocation())
                    .build("bit-mixer", bundle);
            return String.format(Locale.ROOT, "bit-mixer,%s (%.3f bits)", policy,
                    model.policies().get(policy).averageBits(config));
        }
    }

    private static String haqRow(String policy, Map<String, Double> bits) {
        assertThat(bits).as("committed HAQ policies").containsKey(policy);
        return String.format(Locale.ROOT, "haq,%s (%.3f bits)", policy, bits.get(policy));
    }

    @Test
    void haqRowsAreItsSearchedPoliciesAndBitMixerRowsItsWidthsOnTheCommittedModel() throws IOException {
        Path out = dir.resolve("out-committed");
        Run r = run("quant-table", "--device", "cpu", "--fixtures", fixtures.toString(), "--calibration-sequences",
                "2", "--test-limit", "1", "--batch-size", "4", "--methods", "haq,bit-mixer", "--bits", "3,4",
                "--cache", dir.resolve("cache-committed").toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("quant-table.csv"));
        // HAQ's rows are the committed policies, labelled with the average bits their file records.
        HaqPolicyFile policies = HaqPolicyFile.read(Path.of("fixtures", "quant", "haq", HaqPolicyFile.FILE_NAME),
                LlamaConfig.read(Path.of("fixtures", "model", "config.json")));
        Map<String, Double> bits = new HashMap<>();
        policies.policies().forEach(e -> bits.put(e.policy().name(), e.averageBits()));
        assertThat(csv.subList(1, csv.size())).extracting(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1)))
                .containsExactly("full,full", haqRow("haq-3", bits), haqRow("haq-4", bits),
                        bitMixerRow("bit-mixer-3"), bitMixerRow("bit-mixer-4"));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertThat(Double.parseDouble(f[2])).as(line).isGreaterThan(1.0).isFinite();
            assertThat(Long.parseLong(f[4])).as(line).isPositive();
        }
        String[] haq4 = csv.get(3).split(",", -1);
        String[] haq3 = csv.get(2).split(",", -1);
        assertThat(Long.parseLong(haq4[4])).as("a 4-bit budget reads more than a 3-bit one")
                .isGreaterThan(Long.parseLong(haq3[4]));
        assertThat(Long.parseLong(haq4[7])).as("resident {4,3}: both policies' matrices")
                .isGreaterThanOrEqualTo(Long.parseLong(haq4[4]));
        assertThat(haq4[8]).as("resident {3,2} needs haq-2, which --bits did not ask for but the model serves")
                .isNotEmpty();
    }

    @Test
    void anUnknownMethodIsAUsageErrorListingTheKnownOnes() {
        Run r = table(dir.resolve("out-bad"), dir.resolve("cache-bad"), "--methods", "gptq-nope");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("gptq-nope").contains("rtn").contains("any-precision");
    }
}
