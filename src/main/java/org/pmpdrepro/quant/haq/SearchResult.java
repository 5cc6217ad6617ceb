package org.pmpdrepro.quant.haq;

import java.util.List;
import org.pmpdrepro.quant.BitPolicy;

/**
 * What one search found: the best-rewarded policy of all its episodes (as the original keeps its best strategy)
 * and the whole log.
 *
 * @param policy the best policy, named as the search's configuration says
 * @param budgetBytes the weight bytes per decode step it may read at most
 * @param bytes the weight bytes per decode step it reads
 * @param bestEpisode the episode that found it
 * @param reward its reward
 * @param perplexity its calibration perplexity
 * @param fullPrecisionPerplexity the unquantized model's calibration perplexity
 * @param log every episode in order
 */
public record SearchResult(BitPolicy policy, long budgetBytes, long bytes, int bestEpisode, double reward, double perplexity,
        double fullPrecisionPerplexity, List<EpisodeRecord> log) {

    public SearchResult {
        log = List.copyOf(log);
    }
}
