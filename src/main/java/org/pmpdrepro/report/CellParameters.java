package org.pmpdrepro.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What identifies an ablation cell in the report: its ablation and the four grid coordinates.
 *
 * @param ablation e.g. {@code A1 remove precision switching}
 * @param task e.g. {@code debsum}
 * @param backbone the PTQ method serving the precisions, e.g. {@code GPTQ}
 * @param pair the precision pair, e.g. {@code 4>3}
 * @param scheduler e.g. {@code static}
 */
public record CellParameters(String ablation, String task, String backbone, String pair, String scheduler) {

    public CellParameters {
        requireText("ablation", ablation);
        requireText("task", task);
        requireText("backbone", backbone);
        requireText("pair", pair);
        requireText("scheduler", scheduler);
    }

    /** The cell as a reader names it: {@code debsum · GPTQ · 4>3 · static}. */
    public String displayName() {
        return task + " · " + backbone + " · " + pair + " · " + scheduler;
    }

    /** Name and value of each parameter in the report's order. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ablation", ablation);
        m.put("task", task);
        m.put("backbone", backbone);
        m.put("pair", pair);
        m.put("scheduler", scheduler);
        return m;
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("cell parameters: " + field + " is blank");
        }
    }
}
