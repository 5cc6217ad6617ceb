package org.pmpdrepro.metrics;

/** Which ROUGE variant, and whether tokens are Porter-stemmed (the paper uses {@code use_stemmer=True}). */
public record RougeConfig(RougeType type, boolean useStemmer) {

    public RougeConfig {
        if (type == null) {
            throw new IllegalArgumentException("a ROUGE type is required");
        }
    }

    /**
     * E.g. {@code rougeL|stem:yes|nrefs:1|agg:mean-f|impl:rouge_score-0.1.2}. Several references per sample
     * are scored as rouge_score's {@code score_multi}: the reference with the highest F-measure counts.
     */
    public String signature(int nrefs) {
        return type.label() + "|stem:" + (useStemmer ? "yes" : "no") + "|nrefs:" + nrefs
                + "|agg:mean-f|impl:rouge_score-0.1.2";
    }
}
