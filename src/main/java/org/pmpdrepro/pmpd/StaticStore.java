package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.io.JsonBinding;

/**
 * The static searches' committed results, one directory per back-bone: {@code <back-bone>/<task>-<H>-<L>.json} with
 * the chosen switch point, the search table and the gap and tolerance it was decided with.
 */
public final class StaticStore {

    public static final Path DEFAULT_DIR = Path.of("fixtures", "pmpd", "static");

    private StaticStore() {}

    public static Path file(Path dir, String backbone, Task task, PrecisionPair pair) {
        return FittedFiles.dir(dir, backbone).resolve(task.id() + "-" + pair.fileLabel() + ".json");
    }

    /** The command that fits {@code backbone}'s searches. */
    public static String fitCommand(String backbone) {
        return "pmpd schedule static-search --backbone " + backbone;
    }

    /** The file {@code o} is written as, with the provenance of the fit that found it. */
    public static File form(StaticSearch.Outcome o, FittedFiles.Provenance p, FittedFiles.Input calibrationSplit) {
        List<Row> rows = new ArrayList<>();
        for (StaticSearch.Row r : o.table()) {
            rows.add(row(r));
        }
        String servedAs = o.served().equals(o.pair()) ? null
                : o.served().high().label() + ">" + o.served().low().label();
        return new File(o.task().id(), o.pair().label(), servedAs, o.backbone(), o.task().maxNewTokens(),
                o.config().gridPoints(), o.metric(), o.scoredAgainst(), o.examples(), row(o.noneLow()), o.gap(),
                o.config().toleranceFraction(), o.tolerance(), rows, o.chosen(), p.command(), p.modelSha256(),
                p.backboneSha256(), p.fixturesManifestSha256(), calibrationSplit);
    }

    private static Row row(StaticSearch.Row r) {
        return new Row(r.switchPoint() >= 0 ? r.switchPoint() : null, r.averageBits(), r.score());
    }

    public static Path save(Path dir, StaticSearch.Outcome o, FittedFiles.Provenance p,
            FittedFiles.Input calibrationSplit) throws IOException {
        return FittedFiles.write(file(dir, o.backbone(), o.task(), o.pair()), form(o, p, calibrationSplit));
    }

    /** The file's form, written from the outcome and its provenance ({@link #form}) and bound strictly when read. */
    public record File(String task, String pair,
            @JsonProperty("served_as") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent String servedAs,
            String backbone, @JsonProperty("max_new_tokens") int maxNewTokens,
            @JsonProperty("grid_points") int gridPoints, String metric,
            @JsonProperty("scored_against") String scoredAgainst,
            @JsonProperty("calibration_examples") int calibrationExamples, @JsonProperty("none_low") Row noneLow,
            double gap, @JsonProperty("tolerance_fraction_of_gap") double toleranceFractionOfGap, double tolerance,
            List<Row> table, @JsonProperty("chosen_switch_point") int chosenSwitchPoint, String command,
            @JsonProperty("model_sha256") String modelSha256, @JsonProperty("backbone_sha256") String backboneSha256,
            @JsonProperty("fixtures_manifest_sha256") String fixturesManifestSha256,
            @JsonProperty("calibration_split") FittedFiles.Input calibrationSplit) implements FittedFiles.Fitted {}

    /** One row of the search table (the all-low row has no switch point). */
    public record Row(@JsonProperty("switch_point") @JsonInclude(JsonInclude.Include.NON_NULL) @JsonBinding.MayBeAbsent
            Integer switchPoint,
            @JsonProperty("average_bits") double averageBits, double score) {}

    /** The chosen switch point fitted on {@code backbone} for {@code task} and {@code pair}. */
    public static int chosen(Path dir, String backbone, Task task, PrecisionPair pair) throws IOException {
        Path f = file(dir, backbone, task, pair);
        File n = FittedFiles.bind(f, File.class, "static search", backbone, fitCommand(backbone) + " --tasks "
                + task.id() + " --pairs " + pair.label());
        FittedFiles.requireText(f, "task", n.task(), task.id());
        FittedFiles.requireText(f, "pair", n.pair(), pair.label());
        int s = n.chosenSwitchPoint();
        if (s < 0 || s > task.maxNewTokens()) {
            throw new IOException(f + ": field 'chosen_switch_point' is " + s + "; expected an integer in 0.."
                    + task.maxNewTokens());
        }
        return s;
    }
}
