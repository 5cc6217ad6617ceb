package org.pmpdrepro.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Who ran the suite, as Allure's {@code executor.json} describes it: the Executors widget and the link from the
 * report back to the build. Field names are Allure's.
 */
@JsonPropertyOrder({"name", "type", "url", "buildOrder", "buildName", "buildUrl", "reportName", "reportUrl"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutorInfo(
        String name,
        String type,
        String url,
        Long buildOrder,
        String buildName,
        String buildUrl,
        String reportName,
        String reportUrl) {

    /**
     * From a process environment: a GitHub Actions run when {@code GITHUB_ACTIONS=true} (its run number, links to
     * the run and, when {@code PMPD_REPORT_URL} is set, to the published report), otherwise a local run.
     */
    public static ExecutorInfo fromEnvironment(Map<String, String> env) {
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
            String repo = env.getOrDefault("GITHUB_REPOSITORY", "unknown/unknown");
            String runId = env.get("GITHUB_RUN_ID");
            Long order = parseOrNull(env.get("GITHUB_RUN_NUMBER"));
            String workflow = env.getOrDefault("GITHUB_WORKFLOW", "workflow");
            return new ExecutorInfo("GitHub Actions", "github", server + "/" + repo, order,
                    workflow + " #" + (order == null ? "?" : order),
                    runId == null ? null : server + "/" + repo + "/actions/runs/" + runId,
                    "PMPD reproduction", env.get("PMPD_REPORT_URL"));
        }
        return new ExecutorInfo("local", "local", null, null, "local run", null, "PMPD reproduction", null);
    }

    private static Long parseOrNull(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
