package org.pmpdrepro.pmpd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Complete provenance for fitted files written by tests, in the fields and order the fit commands write. */
final class TestProvenance {

    private TestProvenance() {}

    private static Map<String, Object> input(String file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("sha256", "0".repeat(64));
        return m;
    }

    private static Map<String, Object> common() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command", "test");
        p.put("model_sha256", "1".repeat(64));
        p.put("backbone_sha256", "2".repeat(64));
        p.put("fixtures_manifest_sha256", "3".repeat(64));
        return p;
    }

    /** What {@code schedule static-search} records. */
    static Map<String, Object> staticSearch() {
        Map<String, Object> p = common();
        p.put("calibration_split", input("calibration.jsonl"));
        return p;
    }

    /** What {@code schedule static-search --calibrate-baselines} records beside the baselines. */
    static Map<String, Object> baselines() {
        Map<String, Object> p = staticSearch();
        p.put("static_search", input("static.json"));
        p.put("label_prior_from", input("classifier.json"));
        return p;
    }

    /** What {@code schedule train-learned} records. */
    static Map<String, Object> learned() {
        Map<String, Object> p = common();
        p.put("calibration_text", input("calibration-text.jsonl"));
        p.put("calibration_splits", Map.of("debsum", input("calibration.jsonl")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text_prompts", 1);
        data.put("task_prompts", 1);
        data.put("max_prompt_tokens", 48);
        data.put("text_new_tokens", 24);
        data.put("task_new_tokens", "the task's max new tokens");
        data.put("label", "test");
        data.put("label_counts_all", List.of(1, 1, 0, 0));
        p.put("data", data);
        return p;
    }
}
