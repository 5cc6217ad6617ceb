package org.pmpdrepro.quant.haq;

import java.io.Serializable;

/** Adam (as PyTorch's default, no weight decay) over one {@link Mlp}'s parameters. */
final class Adam implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double lr;
    private final Mlp.Params m;
    private final Mlp.Params v;
    private long step;

    Adam(Mlp net, double lr) {
        this.lr = lr;
        this.m = net.zeroGradient();
        this.v = net.zeroGradient();
    }

    /** One update of {@code net} along {@code grad}. */
    void step(Mlp net, Mlp.Params grad) {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int l = 0; l < grad.w.length; l++) {
            update(net.params.w[l], grad.w[l], m.w[l], v.w[l], c1, c2);
            update(net.params.b[l], grad.b[l], m.b[l], v.b[l], c1, c2);
        }
    }

    private void update(double[] p, double[] g, double[] m1, double[] m2, double c1, double c2) {
        for (int i = 0; i < p.length; i++) {
            m1[i] = BETA1 * m1[i] + (1 - BETA1) * g[i];
            m2[i] = BETA2 * m2[i] + (1 - BETA2) * g[i] * g[i];
            p[i] -= lr * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + EPS);
        }
    }
}
