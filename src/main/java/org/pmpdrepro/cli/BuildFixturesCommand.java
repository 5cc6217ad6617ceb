package org.pmpdrepro.cli;

import org.pmpdrepro.io.WrittenFile;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.pmpdrepro.data.BuildOptions;
import org.pmpdrepro.data.FixtureBuilder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd build-fixtures}: the debsum/debtrans/debchat fixtures from Debian's description lists. */
@Command(
        name = "build-fixtures",
        mixinStandardHelpOptions = true,
        description = "Builds the task fixtures (debsum, debtrans, debchat) and optionally the training corpus"
                + " from Debian's i18n Translation lists. Same inputs give byte-identical output.")
public final class BuildFixturesCommand implements Callable<Integer> {

    static final String ENGLISH_FILE = "bookworm-main-Translation-en.lz4";
    static final String FRENCH_FILE = "bookworm-main-Translation-fr.lz4";

    @Spec
    private CommandSpec spec;

    @Option(names = "--debian-dir", paramLabel = "DIR",
            description = "Folder holding " + ENGLISH_FILE + " and " + FRENCH_FILE + ".")
    private Path debianDir;

    @Option(names = "--en", paramLabel = "FILE", description = "English Translation list (overrides --debian-dir).")
    private Path english;

    @Option(names = "--fr", paramLabel = "FILE", description = "French Translation list (overrides --debian-dir).")
    private Path french;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fixtures/tasks",
            description = "Output folder of the committed fixtures (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--train-out", paramLabel = "FILE",
            description = "Also write the training corpus (JSONL of {\"text\": ...}) to FILE.")
    private Path trainOut;

    @Option(names = "--test-size", defaultValue = "" + BuildOptions.DEFAULT_TEST_SIZE,
            description = "Test examples per task (default: ${DEFAULT-VALUE}).")
    private int testSize;

    @Option(names = "--calibration-size", defaultValue = "" + BuildOptions.DEFAULT_CALIBRATION_SIZE,
            description = "Calibration examples per task, at most (default: ${DEFAULT-VALUE}).")
    private int calibrationSize;

    @Option(names = "--min-test-size", defaultValue = "" + BuildOptions.DEFAULT_MIN_TEST_SIZE,
            description = "Fail when a task has fewer test examples (default: ${DEFAULT-VALUE}).")
    private int minTestSize;

    @Option(names = "--seed", defaultValue = "" + BuildOptions.DEFAULT_SHUFFLE_SEED,
            description = "Shuffle seed of the training corpus (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        Path en = resolve(english, "--en", ENGLISH_FILE);
        Path fr = resolve(french, "--fr", FRENCH_FILE);
        BuildOptions options = new BuildOptions(en, fr, out, Optional.ofNullable(trainOut), testSize,
                calibrationSize, minTestSize, seed, commandLine());
        var outStream = spec.commandLine().getOut();
        FixtureBuilder.Result result = FixtureBuilder.build(options, outStream::println);
        for (WrittenFile f : result.files()) {
            outStream.printf("wrote %s: %d lines, %d bytes, sha256 %s%n", f.path(), f.lines(), f.bytes(), f.sha256());
        }
        result.trainCorpus().ifPresent(f -> outStream.printf("wrote train corpus %s: %d lines, %d bytes, sha256 %s%n",
                f.path(), f.lines(), f.bytes(), f.sha256()));
        outStream.flush();
        return 0;
    }

    private Path resolve(Path explicit, String option, String defaultName) {
        if (explicit != null) {
            return explicit;
        }
        if (debianDir == null) {
            throw new ParameterException(spec.commandLine(), "give --debian-dir DIR or " + option + " FILE");
        }
        return debianDir.resolve(defaultName);
    }

    /** The command as typed (paths as given, so relative paths stay relative in the manifest). */
    private String commandLine() {
        // originalArgs holds the whole command line, this sub-command's name included
        return "pmpd " + spec.commandLine().getParseResult().originalArgs().stream()
                .map(a -> a.isEmpty() || a.matches(".*[\\s'\"\\\\$].*") ? "'" + a.replace("'", "'\\''") + "'" : a)
                .collect(Collectors.joining(" "));
    }
}
