package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.pmpdrepro.data.InputFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParseResult;

/** The {@code pmpd} command line: thin sub-commands over the project's packages. */
@Command(
        name = "pmpd",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Progressive Mixed-Precision Decoding reproduction suite.",
        exitCodeListHeading = "Exit codes (run-job has its own, see its --help):%n",
        exitCodeList = {
            "0:done",
            "1:an error: a file that cannot be used (the message names it, with the line or field), a failed decode"
                    + " (--verbose adds the stack trace)",
            "2:a usage error: an unknown option or a value of the wrong form"
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            BuildFixturesCommand.class,
            TrainTokenizerCommand.class,
            TrainCommand.class,
            GrowCommand.class,
            DecodeCommand.class,
            OracleCheckCommand.class,
            ReproduceCommand.class,
            ScoreCommand.class,
            org.pmpdrepro.container.RunJobCommand.class,
            CheckCellsCommand.class,
            QuantTableCommand.class,
            QuantizeCommand.class,
            SyntheticCheckpointCommand.class,
            HaqSearchCommand.class,
            BitMixerTrainCommand.class,
            PmpdCommand.class,
            BenchDecodeCommand.class,
            BenchKernelsCommand.class,
            BenchEngineCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line as {@link #main} runs it (tests set their own output streams on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::inputError);
        versionEverywhere(cl);
        return cl;
    }

    /** Every sub-command's {@code --version} prints the project's version, as the top command's does. */
    private static void versionEverywhere(CommandLine cl) {
        cl.getCommandSpec().versionProvider(new VersionProvider());
        cl.getSubcommands().values().forEach(Main::versionEverywhere);
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print the stack trace as well as the message.")
    boolean verbose;

    /**
     * An error that reached no command's own handling: input that cannot be used (a file, a value, a state the
     * message explains: {@link InputFormatException}, {@link IOException}, {@link UncheckedIOException},
     * {@link IllegalArgumentException}, {@link IllegalStateException}) is reported as one line on stderr with exit
     * code 1, its stack trace only with {@code --verbose}; anything else is a bug and keeps picocli's stack trace.
     */
    private static int inputError(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        if (!(e instanceof InputFormatException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
            throw e;
        }
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": error: " + message(e));
        if (parsed.matchedOption("--verbose") != null || verboseAnywhere(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /**
     * The one line a user reads. The JDK's file-system exceptions carry only the path (a missing calibration file
     * read "error: fixtures/tasks/calibration-text.jsonl"), so they get what went wrong with it; wrapped in an
     * {@link UncheckedIOException} they are described the same way.
     */
    static String message(Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() instanceof FileSystemException ? u.getCause()
                : e;
        if (t instanceof FileSystemException f) {
            String what = switch (f) {
                case NoSuchFileException n -> "no such file or directory";
                case AccessDeniedException a -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException d -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
            String context = t == e ? "" : e.getMessage().startsWith(t.toString()) ? "" : " (" + e.getMessage() + ")";
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": "
                    + (f.getReason() == null ? what : f.getReason()) + context;
        }
        return e.getMessage();
    }

    private static boolean verboseAnywhere(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
