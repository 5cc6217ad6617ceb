package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;

/** The static searches' committed results: {@code <task>-<H>-<L>.json} with the chosen switch point and its table. */
public final class StaticStore {

    public static final Path DEFAULT_DIR = Path.of("fixtures", "pmpd", "static");

    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StaticStore() {}

    public static Path file(Path dir, Task task, PrecisionPair pair) {
        return dir.resolve(task.id() + "-" + pair.fileLabel() + ".json");
    }

    /** The outcome as JSON (without provenance), the form a rerun is compared with. */
    public static Map<String, Object> json(StaticSearch.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", o.task().id());
        m.put("pair", o.pair().label());
        m.put("backbone", o.backbone());
        m.put("max_new_tokens", o.task().maxNewTokens());
        m.put("grid_points", o.config().gridPoints());
        m.put("tolerance_rougeL", o.config().tolerance());
        m.put("calibration_examples", o.examples());
        m.put("scored_against", o.scoredAgainst());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StaticSearch.Row r : o.table()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("switch_point", r.switchPoint());
            row.put("average_bits", r.averageBits());
            row.put("rougeL", r.rougeL());
            rows.add(row);
        }
        m.put("table", rows);
        m.put("chosen_switch_point", o.chosen());
        return m;
    }

    public static Path save(Path dir, StaticSearch.Outcome o, Map<String, Object> provenance) throws IOException {
        Map<String, Object> m = json(o);
        m.putAll(provenance);
        Path f = file(dir, o.task(), o.pair());
        AtomicFiles.writeString(f, JSON.writeValueAsString(m) + "\n");
        return f;
    }

    /** The chosen switch point saved for {@code task} and {@code pair}. */
    public static int chosen(Path dir, Task task, PrecisionPair pair) throws IOException {
        Path f = file(dir, task, pair);
        if (!Files.isRegularFile(f)) {
            throw new IOException("no static search result " + f + "; run 'pmpd pmpd static-search --task "
                    + task.id() + " --pair " + pair.label() + "' first");
        }
        JsonNode n = Json.read(f);
        JsonNode s = n.get("chosen_switch_point");
        if (s == null || !s.canConvertToInt() || s.asInt() < 0) {
            throw new IOException(f + ": field 'chosen_switch_point' is " + s + "; expected a non-negative integer");
        }
        return s.asInt();
    }
}
