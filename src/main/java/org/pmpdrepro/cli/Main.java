package org.pmpdrepro.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pmpd} command line: thin sub-commands over the project's packages. */
@Command(
        name = "pmpd",
        mixinStandardHelpOptions = true,
        description = "Progressive Mixed-Precision Decoding reproduction suite.",
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
            PmpdCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
