package org.pmpdrepro.container;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.InputFormatException;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd run-job}: the container's entry point. Reads a {@link JobSpec}, runs every cell through a
 * {@link JobCellExecutor} (chosen by name among the registered {@link JobCellExecutorFactory factories}: {@code suite}
 * by default, every cell the ablation suite wires; {@code fixture}, the fixed plans on RTN and Any-Precision) and
 * leaves each cell's {@link CellFiles} under {@code --out}. Exit codes are
 * {@link JobExitCodes}: 64 for a malformed specification, 65 for a malformed fixture file, 2 for a cell the executor
 * cannot run (checked for every cell before any is decoded), 1 for a failure while running.
 */
@Command(
        name = "run-job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the cells of a job specification (JSON) and write outputs, precision traces and timings per cell.",
            "Exit codes: 0 done, 1 a cell failed, 2 a cell is not supported, 64 the specification is malformed,",
            "65 a fixture file is malformed (the message names file and line)."
        })
public final class RunJobCommand implements Callable<Integer> {

    /** The executor {@code --executor} defaults to: the ablation suite's cell decoder. */
    static final String DEFAULT_EXECUTOR = "suite";

    @Spec
    CommandSpec spec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The job specification (JSON).")
    Path specFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Write one directory per cell here.")
    Path out;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: ${DEFAULT-VALUE}).")
    Path modelDir = ModelBundle.DEFAULT_DIR;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--executor", paramLabel = "NAME", defaultValue = DEFAULT_EXECUTOR,
            description = "What runs the cells: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ExecutorNames.class)
    String executor;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        JobSpec job;
        try {
            job = JobSpec.read(specFile);
        } catch (JobSpecException e) {
            return fail(JobExitCodes.BAD_SPEC, e.getMessage());
        } catch (NoSuchFileException e) {
            return fail(JobExitCodes.BAD_SPEC, "job specification " + specFile + " does not exist");
        } catch (IOException e) {
            return fail(JobExitCodes.BAD_SPEC, "cannot read job specification " + specFile + ": " + e.getMessage());
        }
        JobCellExecutorFactory factory = JobCellExecutorFactory.available().get(executor);
        if (factory == null) {
            return fail(JobExitCodes.BAD_SPEC, "--executor '" + executor + "': expected one of "
                    + JobCellExecutorFactory.available().keySet());
        }
        long start = System.nanoTime();
        try (JobCellExecutor cells = factory.open(job, modelDir, fixtures)) {
            List<String> unsupported = new ArrayList<>();
            for (JobCell cell : job.cells()) {
                cells.unsupported(cell).ifPresent(unsupported::add);
            }
            if (!unsupported.isEmpty()) {
                return fail(JobExitCodes.UNSUPPORTED, String.join("\n", unsupported));
            }
            for (int i = 0; i < job.cells().size(); i++) {
                JobCell cell = job.cells().get(i);
                CellRun run = cells.run(cell, job.limit());
                Path dir = CellFiles.write(out, run);
                stdout.printf(Locale.ROOT, "job %s: cell %d/%d %s: %d samples, %d tokens on %s, prepared in %.2f s,"
                        + " decoded in %.2f s (%.1f tokens/s) -> %s%n", job.jobId(), i + 1, job.cells().size(),
                        cell.id(), run.outputs().size(), run.outputs().generatedTokens(), run.outputs().device(),
                        run.prepareSeconds(), run.outputs().seconds(), run.outputs().tokensPerSecond(), dir);
                stdout.flush();
            }
        } catch (UnsupportedCellException e) {
            return fail(JobExitCodes.UNSUPPORTED, e.getMessage());
        } catch (InputFormatException e) {
            return fail(JobExitCodes.BAD_INPUT, e.getMessage());
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            return fail(JobExitCodes.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        stdout.printf(Locale.ROOT, "job %s: %d cells done in %.2f s%n", job.jobId(), job.cells().size(),
                (System.nanoTime() - start) / 1e9);
        stdout.flush();
        return JobExitCodes.OK;
    }

    private int fail(int code, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("pmpd run-job: error: " + message);
        err.flush();
        return code;
    }

    /** Completion candidates for {@code --executor}. */
    static final class ExecutorNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ExecutorNames() {
            super(JobCellExecutorFactory.available().keySet());
        }
    }
}
