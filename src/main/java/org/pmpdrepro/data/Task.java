package org.pmpdrepro.data;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three fixture tasks, each in the shape of one of the paper's benchmarks: summarisation
 * (CNN/DM, DialogSum), French→English translation (IWSLT-2017) and open continuation scored
 * against the full-precision model (MT-Bench).
 */
public enum Task {
    DEBSUM(
            "debsum",
            "Package: {package}\nDescription: {description}\nSynopsis:",
            24,
            List.of("rougeL", "bertscore"),
            "reference"),
    DEBTRANS(
            "debtrans",
            "Package: {package}\nFrench: {source}\nEnglish:",
            64,
            List.of("bleu", "sacrebleu"),
            "reference"),
    DEBCHAT(
            "debchat",
            "Package: {package}\nSynopsis: {synopsis}\nDescription: {firstSentence}",
            48,
            List.of("rougeL", "bertscore"),
            "full-precision model output");

    /** How a training example is formed; the tokenizer's end-of-sequence is the trainer's job. */
    public static final String COMPLETION_CONVENTION =
            "prompt + \" \" + reference + EOS (EOS is the tokenizer's end-of-sequence token, appended by the trainer)";

    private static final Pattern SLOT = Pattern.compile("\\{([A-Za-z]+)}");

    private final String id;
    private final String template;
    private final int maxNewTokens;
    private final List<String> metrics;
    private final String scoredAgainst;

    Task(String id, String template, int maxNewTokens, List<String> metrics, String scoredAgainst) {
        this.id = id;
        this.template = template;
        this.maxNewTokens = maxNewTokens;
        this.metrics = metrics;
        this.scoredAgainst = scoredAgainst;
    }

    public String id() {
        return id;
    }

    public String template() {
        return template;
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** Metric names the paper reports for the benchmark this task stands in for. */
    public List<String> metrics() {
        return metrics;
    }

    /** What the metrics compare a hypothesis with: the dataset reference or the full-precision output. */
    public String scoredAgainst() {
        return scoredAgainst;
    }

    /** Fills every {@code {slot}} of the template; a missing or unused slot value is an error. */
    public String render(Map<String, String> slots) {
        Matcher m = SLOT.matcher(template);
        StringBuilder out = new StringBuilder();
        int used = 0;
        while (m.find()) {
            String value = slots.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(
                        "task " + id + ": template slot {" + m.group(1) + "} has no value; given " + slots.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
            used++;
        }
        m.appendTail(out);
        if (used != slots.size()) {
            throw new IllegalArgumentException(
                    "task " + id + ": slots " + slots.keySet() + " do not match template " + template);
        }
        return out.toString();
    }

    /** The text a model is trained on for one example (without the end-of-sequence token). */
    public static String completion(String prompt, String reference) {
        return prompt + " " + reference;
    }

    public static Task fromId(String id) {
        for (Task t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + id + "', expected one of debsum, debtrans, debchat");
    }
}
