package org.pmpdrepro.quant.haq;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The HAQ agent: deep deterministic policy gradient over one continuous action per layer. The actor maps a layer's
 * state to an action in [0, 1] (sigmoid output); the critic scores (state, action). Learning follows the original
 * code: every transition of an episode carries the episode's final reward; rewards are centred by a moving-average
 * baseline of the sampled batch's mean; the critic regresses onto {@code r - baseline + discount * Q'(s', mu'(s'))}
 * (no bootstrap after the last layer); the actor ascends {@code Q(s, mu(s))}; target networks follow softly.
 * Mutable; all randomness comes from the {@link Random} passed in, so a seeded search is reproducible.
 */
final class DdpgAgent implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int MAX_REJECTIONS = 1000;

    /** One step of an episode. */
    record Transition(double[] state, double action, double reward, double[] nextState, boolean terminal)
            implements Serializable {}

    private final AgentConfig config;
    private final Mlp actor;
    private final Mlp critic;
    private final Mlp actorTarget;
    private final Mlp criticTarget;
    private final Adam actorOptimizer;
    private final Adam criticOptimizer;
    private final ArrayDeque<Transition> replay = new ArrayDeque<>();
    private Double movingAverage;

    DdpgAgent(int stateSize, AgentConfig config, Random random) {
        this.config = config;
        int h = config.hidden();
        this.actor = new Mlp(new int[] {stateSize, h, h, 1},
                new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.RELU, Mlp.Activation.SIGMOID}, random);
        // The original's critic adds fc(state) and fc(action) before its first ReLU: one layer on [state, action].
        this.critic = new Mlp(new int[] {stateSize + 1, h, h, 1},
                new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.RELU, Mlp.Activation.IDENTITY}, random);
        this.actorTarget = actor.copy();
        this.criticTarget = critic.copy();
        this.actorOptimizer = new Adam(actor, config.actorLr());
        this.criticOptimizer = new Adam(critic, config.criticLr());
    }

    /** The noise's standard deviation in {@code episode} (0-based); undefined during warm-up. */
    double noise(int episode) {
        return config.initDelta() * Math.pow(config.deltaDecay(), episode - config.warmup());
    }

    boolean warmingUp(int episode) {
        return episode < config.warmup();
    }

    /** The action for {@code state}: uniform during warm-up, else the actor's plus truncated normal noise. */
    double act(double[] state, int episode, Random random) {
        if (warmingUp(episode)) {
            return random.nextDouble();
        }
        double mu = actor.output(state)[0];
        return truncatedNormal(mu, noise(episode), random);
    }

    /** A draw from N(mu, sigma) restricted to [0, 1], by rejection (clipped if that keeps failing). */
    static double truncatedNormal(double mu, double sigma, Random random) {
        if (sigma <= 0) {
            return Math.max(0, Math.min(1, mu));
        }
        for (int i = 0; i < MAX_REJECTIONS; i++) {
            double x = mu + sigma * random.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return Math.max(0, Math.min(1, mu));
    }

    void observe(Transition t) {
        replay.addLast(t);
        while (replay.size() > config.replayCapacity()) {
            replay.removeFirst();
        }
    }

    /** One DDPG update from a batch drawn (with replacement) from the replay buffer. */
    void update(Random random) {
        if (replay.isEmpty()) {
            return;
        }
        List<Transition> all = new ArrayList<>(replay);
        int n = config.batchSize();
        List<Transition> batch = new ArrayList<>(n);
        double meanReward = 0;
        for (int i = 0; i < n; i++) {
            Transition t = all.get(random.nextInt(all.size()));
            batch.add(t);
            meanReward += t.reward() / n;
        }
        movingAverage = movingAverage == null
                ? meanReward
                : movingAverage + config.movingAlpha() * (meanReward - movingAverage);

        Mlp.Params criticGrad = critic.zeroGradient();
        for (Transition t : batch) {
            double target = t.reward() - movingAverage;
            if (!t.terminal()) {
                double nextAction = actorTarget.output(t.nextState())[0];
                target += config.discount() * criticTarget.output(withAction(t.nextState(), nextAction))[0];
            }
            double[][] trace = critic.forward(withAction(t.state(), t.action()));
            double q = trace[trace.length - 1][0];
            critic.backward(trace, new double[] {2 * (q - target) / n}, criticGrad);
        }
        criticOptimizer.step(critic, criticGrad);

        Mlp.Params actorGrad = actor.zeroGradient();
        Mlp.Params unused = critic.zeroGradient();
        for (Transition t : batch) {
            double[][] actorTrace = actor.forward(t.state());
            double a = actorTrace[actorTrace.length - 1][0];
            double[][] criticTrace = critic.forward(withAction(t.state(), a));
            // Loss -mean Q(s, mu(s)): dLoss/dQ = -1/n, carried back to the action input and into the actor.
            double[] dInput = critic.backward(criticTrace, new double[] {-1.0 / n}, unused);
            actor.backward(actorTrace, new double[] {dInput[dInput.length - 1]}, actorGrad);
        }
        actorOptimizer.step(actor, actorGrad);

        actorTarget.softUpdateFrom(actor, config.tau());
        criticTarget.softUpdateFrom(critic, config.tau());
    }

    static double[] withAction(double[] state, double action) {
        double[] x = new double[state.length + 1];
        System.arraycopy(state, 0, x, 0, state.length);
        x[state.length] = action;
        return x;
    }
}
