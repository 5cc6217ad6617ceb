package org.pmpdrepro.cli;

import org.pmpdrepro.data.InputFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
            "1:an error: a file that cannot be used (the message names it, with the line or field), a failed decode",
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
            HaqSearchCommand.class,
            BitMixerTrainCommand.class,
            PmpdCommand.class,
            BenchDecodeCommand.class
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

    /**
     * Malformed input that reached no command's own error handling is still reported as an error message naming
     * the file and line, with exit code 1; anything else is a bug and keeps picocli's stack trace.
     */
    private static int inputError(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        if (!(e instanceof InputFormatException)) {
            throw e;
        }
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": error: " + e.getMessage());
        command.getErr().flush();
        return 1;
    }
}
