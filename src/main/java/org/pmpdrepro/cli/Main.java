package org.pmpdrepro.cli;

import org.pmpdrepro.eval.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
            DecodeCommand.class,
            ReproduceCommand.class,
            ScoreCommand.class,
            org.pmpdrepro.container.RunJobCommand.class,
            QuantTableCommand.class,
            HaqSearchCommand.class,
            BitMixerTrainCommand.class,
            PmpdCommand.class
        })
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        if (Provenance.mklReproducibility().isEmpty()) {
            LOG.warn("{} is not set: CPU results may differ in their last bits from one process to the next; the"
                    + " project's artefacts and goldens were computed with {}={} (set it before starting java)",
                    Provenance.MKL_REPRODUCIBILITY, Provenance.MKL_REPRODUCIBILITY, Provenance.MKL_COMPATIBLE);
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
