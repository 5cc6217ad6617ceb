package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** The outcome as JSON (without provenance), the form a rerun is compared with. */
    public static Map<String, Object> json(StaticSearch.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", o.task().id());
        m.put("pair", o.pair().label());
        if (!o.served().equals(o.pair())) {
            m.put("served_as", o.served().high().label() + ">" + o.served().low().label());
        }
        m.put("backbone", o.backbone());
        m.put("max_new_tokens", o.task().maxNewTokens());
        m.put("grid_points", o.config().gridPoints());
        m.put("metric", o.metric());
        m.put("scored_against", o.scoredAgainst());
        m.put("calibration_examples", o.examples());
        m.put("none_low", row(o.noneLow()));
        m.put("gap", o.gap());
        m.put("tolerance_fraction_of_gap", o.config().toleranceFraction());
        m.put("tolerance", o.tolerance());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StaticSearch.Row r : o.table()) {
            rows.add(row(r));
        }
        m.put("table", rows);
        m.put("chosen_switch_point", o.chosen());
        return m;
    }

    private static Map<String, Object> row(StaticSearch.Row r) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (r.switchPoint() >= 0) {
            row.put("switch_point", r.switchPoint());
        }
        row.put("average_bits", r.averageBits());
        row.put("score", r.score());
        return row;
    }

    public static Path save(Path dir, StaticSearch.Outcome o, Map<String, Object> provenance) throws IOException {
        return FittedFiles.write(file(dir, o.backbone(), o.task(), o.pair()), json(o), provenance, File.class);
    }

    /** The file's form, bound strictly when read ({@link JsonBinding}); {@link #json} and the provenance write it. */
    record File(String task, String pair, @JsonProperty("served_as") @JsonBinding.MayBeAbsent String servedAs,
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
    record Row(@JsonProperty("switch_point") @JsonBinding.MayBeAbsent Integer switchPoint,
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
