package org.pmpdrepro.quant.haq;

import java.io.Serializable;
import java.util.List;

/**
 * One line of a search log.
 *
 * @param episode 0-based episode number
 * @param warmup whether the actions were uniformly random (warm-up) rather than the actor's plus noise
 * @param noise the exploration noise's standard deviation (0 during warm-up)
 * @param reward the episode's reward: minus the log of calibration perplexity relative to full precision
 * @param meanNll mean negative log-likelihood per calibration token under the policy
 * @param perplexity calibration perplexity under the policy
 * @param proposedAverageBits average bit-width of the agent's proposal, before budget enforcement
 * @param averageBits average bit-width of the enforced policy that was evaluated
 * @param bytes weight bytes per decode step of the enforced policy (codes and tables)
 * @param bits the enforced width of every matrix, in forward order
 */
public record EpisodeRecord(int episode, boolean warmup, double noise, double reward, double meanNll,
        double perplexity, double proposedAverageBits, double averageBits, long bytes, List<Integer> bits)
        implements Serializable {

    public EpisodeRecord {
        bits = List.copyOf(bits);
    }
}
