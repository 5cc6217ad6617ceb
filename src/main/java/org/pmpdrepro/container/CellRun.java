package org.pmpdrepro.container;

import java.nio.file.Path;
import java.util.Objects;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.TaskOutputs;

/**
 * What running one cell produced, whichever runner ran it: the decoded outputs with their precision traces and
 * decoding timings ({@link TaskOutputs}), what they are to be scored against, the memory accounting and what
 * decoded them. Scoring is left to the host, so that both runners score with the same code.
 *
 * @param cell the cell that was run
 * @param outputs outputs, traces, decode time and throughput
 * @param prepareSeconds wall-clock time to quantize and load the back-bone (0 when an earlier cell of the same job
 *     had prepared it)
 * @param references what the outputs are scored against: the dataset's references, or (debchat) the
 *     full-precision model's outputs
 * @param accounting weight bytes and whether the decode was shared with an earlier cell of the job
 * @param origin the back-end and the model and fixtures that produced the outputs
 */
public record CellRun(JobCell cell, TaskOutputs outputs, double prepareSeconds, References references,
        Accounting accounting, Origin origin) {

    /**
     * @param bytesPerToken mean weight bytes one decode step reads under the cell's plan; NaN where unknown
     * @param residentBytes quantized-matrix bytes resident to serve both precisions of the pair; NaN where unknown
     * @param decodeShared whether the outputs were decoded for an earlier cell of the job (same task, back-bone
     *     and plan) and reused
     */
    public record Accounting(double bytesPerToken, double residentBytes, boolean decodeShared) {

        /** Nothing accounted: an executor that does not know its back-bone's memory. */
        public static final Accounting UNKNOWN = new Accounting(Double.NaN, Double.NaN, false);
    }

    /**
     * @param backend the decoding back-end and engine ({@code djl-pytorch 2.7.1})
     * @param modelSha256 the model bundle's identity hash
     * @param fixturesSha256 the task fixtures' manifest hash
     */
    public record Origin(String backend, String modelSha256, String fixturesSha256) {

        public Origin {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(modelSha256, "modelSha256");
            Objects.requireNonNull(fixturesSha256, "fixturesSha256");
        }

        /** The engine of this JVM, {@code bundle}'s identity and the manifest hash of {@code fixturesDir}. */
        public static Origin of(ModelBundle bundle, Path fixturesDir) {
            return new Origin(Provenance.backend(), bundle.identity().sha256(),
                    Provenance.manifestSha256(fixturesDir));
        }
    }

    public CellRun {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(accounting, "accounting");
        Objects.requireNonNull(origin, "origin");
        if (outputs.task() != cell.task()) {
            throw new IllegalArgumentException("cell " + cell.id() + " is a " + cell.task().id()
                    + " cell but its outputs are for " + outputs.task().id());
        }
        if (references.size() != outputs.size()) {
            throw new IllegalArgumentException("cell " + cell.id() + ": " + outputs.size() + " outputs but "
                    + references.size() + " references (" + references.label() + ")");
        }
    }

    /** Whether the outputs are scored against the references their samples carry (not, say, full-precision ones). */
    public boolean scoredAgainstDataset() {
        return references.equals(References.dataset(outputs));
    }
}
