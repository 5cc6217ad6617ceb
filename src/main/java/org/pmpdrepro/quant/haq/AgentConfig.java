package org.pmpdrepro.quant.haq;

/**
 * Hyper-parameters of the DDPG agent. {@link #original(int)} holds the HAQ code's defaults; the fixture model's
 * searches use {@link #forSmallModels()}, which differs in hidden width, warm-up and replay size (see there).
 *
 * @param hidden units in each of the two hidden layers of actor and critic
 * @param actorLr Adam learning rate of the actor
 * @param criticLr Adam learning rate of the critic
 * @param tau soft target update rate
 * @param discount reward discount between consecutive layers
 * @param batchSize transitions per update
 * @param replayCapacity transitions kept in the replay buffer (oldest dropped first)
 * @param warmup episodes of uniformly random actions before the actor acts and learning starts
 * @param initDelta standard deviation of the exploration noise in the first episode after warm-up
 * @param deltaDecay factor the noise's standard deviation shrinks by every episode
 * @param movingAlpha rate of the moving-average reward baseline
 */
public record AgentConfig(int hidden, double actorLr, double criticLr, double tau, double discount, int batchSize,
        int replayCapacity, int warmup, double initDelta, double deltaDecay, double movingAlpha)
        implements java.io.Serializable {

    public AgentConfig {
        if (hidden < 1 || batchSize < 1 || replayCapacity < batchSize || warmup < 0) {
            throw new IllegalArgumentException("agent: hidden " + hidden + ", batch " + batchSize + ", replay "
                    + replayCapacity + ", warm-up " + warmup + "; expected hidden, batch >= 1, replay >= batch,"
                    + " warm-up >= 0");
        }
        if (!(tau > 0 && tau <= 1) || !(deltaDecay > 0 && deltaDecay <= 1) || !(movingAlpha > 0 && movingAlpha <= 1)
                || !(actorLr > 0) || !(criticLr > 0) || !(initDelta >= 0) || !(discount >= 0 && discount <= 1)) {
            throw new IllegalArgumentException("agent: tau " + tau + ", delta decay " + deltaDecay + ", moving alpha "
                    + movingAlpha + ", learning rates " + actorLr + "/" + criticLr + ", delta " + initDelta
                    + ", discount " + discount + "; expected rates in (0, 1], positive learning rates");
        }
    }

    /**
     * The original's settings for a model of {@code matrices} quantized matrices: 300 hidden units, 20 warm-up
     * episodes, 64 per batch, 128 transitions per matrix in the replay buffer.
     */
    public static AgentConfig original(int matrices) {
        return new AgentConfig(300, 1e-4, 1e-3, 0.01, 1.0, 64, 128 * matrices, 20, 0.5, 0.99, 0.5);
    }

    /**
     * For a model of a few dozen matrices: 64 hidden units (the state has 12 features and an episode 28 steps, so
     * 300 units would only make every update some 20 times slower on a shared CPU) and a 10-episode warm-up (the
     * fixture search affords 200 episodes per budget rather than the original's 600). The replay buffer keeps 2000
     * transitions (the original: 128 per layer).
     */
    public static AgentConfig forSmallModels() {
        return new AgentConfig(64, 1e-4, 1e-3, 0.01, 1.0, 64, 2000, 10, 0.5, 0.99, 0.5);
    }

    /** This configuration with another warm-up. */
    public AgentConfig withWarmup(int episodes) {
        return new AgentConfig(hidden, actorLr, criticLr, tau, discount, batchSize, replayCapacity, episodes,
                initDelta, deltaDecay, movingAlpha);
    }

    /** This configuration with another hidden width. */
    public AgentConfig withHidden(int units) {
        return new AgentConfig(units, actorLr, criticLr, tau, discount, batchSize, replayCapacity, warmup,
                initDelta, deltaDecay, movingAlpha);
    }
}
