package org.pmpdrepro.suite;

/**
 * One prompt whose decode differs from its golden.
 *
 * @param tokensChanged whether the generated token ids differ (otherwise only the post-processed text does)
 */
public record PromptDiff(String id, String goldenText, String newText, boolean tokensChanged) {

    private static final int SHOWN = 160;

    /** {@code debsum-test-0042: golden «…» → new «…»}, texts cut to a readable length. */
    public String describe() {
        return id + ": golden «" + cut(goldenText) + "» → new «" + cut(newText) + "»"
                + (tokensChanged ? "" : " (same tokens, other text: post-processing changed)");
    }

    private static String cut(String s) {
        String one = s.replace("\n", "⏎");
        return one.length() <= SHOWN ? one : one.substring(0, SHOWN) + "…";
    }
}
