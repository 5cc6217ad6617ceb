package org.pmpdrepro.quant.haq;

import java.io.Serializable;
import java.util.Random;

/**
 * A small fully connected network in plain Java with hand-written back-propagation: the actor and the critic of
 * the HAQ agent. Mutable (it is trained); owned by one agent. Initialised as the original DDPG code does: hidden
 * layers uniform in {@code +-1/sqrt(fan-in)}, the output layer uniform in {@code +-3e-3}.
 */
final class Mlp implements Serializable {

    private static final long serialVersionUID = 1L;
    static final double OUTPUT_INIT = 3e-3;

    enum Activation { RELU, SIGMOID, IDENTITY }

    /** Parameter-shaped arrays: the weights ({@code [out][in]} flattened) and biases of every layer. */
    static final class Params implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[][] w;
        final double[][] b;

        Params(int[] sizes) {
            w = new double[sizes.length - 1][];
            b = new double[sizes.length - 1][];
            for (int l = 0; l + 1 < sizes.length; l++) {
                w[l] = new double[sizes[l] * sizes[l + 1]];
                b[l] = new double[sizes[l + 1]];
            }
        }
    }

    private final int[] sizes;
    private final Activation[] activations;
    final Params params;

    Mlp(int[] sizes, Activation[] activations, Random random) {
        if (activations.length != sizes.length - 1) {
            throw new IllegalArgumentException(sizes.length + " layer sizes need " + (sizes.length - 1)
                    + " activations, got " + activations.length);
        }
        this.sizes = sizes.clone();
        this.activations = activations.clone();
        this.params = new Params(sizes);
        for (int l = 0; l + 1 < sizes.length; l++) {
            boolean last = l + 2 == sizes.length;
            double bound = last ? OUTPUT_INIT : 1.0 / Math.sqrt(sizes[l]);
            for (int i = 0; i < params.w[l].length; i++) {
                params.w[l][i] = (2 * random.nextDouble() - 1) * bound;
            }
            double biasBound = last ? OUTPUT_INIT : 1.0 / Math.sqrt(sizes[l]);
            for (int i = 0; i < params.b[l].length; i++) {
                params.b[l][i] = (2 * random.nextDouble() - 1) * biasBound;
            }
        }
    }

    /** A fresh zeroed gradient of this network's shape. */
    Params zeroGradient() {
        return new Params(sizes);
    }

    /** Every layer's output for {@code x}: element 0 is {@code x}, the last is the network's output. */
    double[][] forward(double[] x) {
        if (x.length != sizes[0]) {
            throw new IllegalArgumentException("input of " + x.length + " values; the network takes " + sizes[0]);
        }
        double[][] a = new double[sizes.length][];
        a[0] = x.clone();
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] w = params.w[l];
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double s = params.b[l][o];
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    s += w[row + i] * a[l][i];
                }
                y[o] = switch (activations[l]) {
                    case RELU -> Math.max(0, s);
                    case SIGMOID -> 1 / (1 + Math.exp(-s));
                    case IDENTITY -> s;
                };
            }
            a[l + 1] = y;
        }
        return a;
    }

    double[] output(double[] x) {
        double[][] a = forward(x);
        return a[a.length - 1];
    }

    /**
     * Back-propagates {@code gradOut} (dLoss/dOutput) through the trace {@code a} of {@link #forward}, adding the
     * parameter gradients into {@code grad}; returns dLoss/dInput.
     */
    double[] backward(double[][] a, double[] gradOut, Params grad) {
        double[] g = gradOut.clone();
        for (int l = sizes.length - 2; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] y = a[l + 1];
            for (int o = 0; o < out; o++) {
                g[o] *= switch (activations[l]) {
                    case RELU -> y[o] > 0 ? 1 : 0;
                    case SIGMOID -> y[o] * (1 - y[o]);
                    case IDENTITY -> 1;
                };
            }
            double[] w = params.w[l];
            double[] gw = grad.w[l];
            double[] gIn = new double[in];
            for (int o = 0; o < out; o++) {
                double go = g[o];
                if (go == 0) {
                    continue;
                }
                grad.b[l][o] += go;
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    gw[row + i] += go * a[l][i];
                    gIn[i] += go * w[row + i];
                }
            }
            g = gIn;
        }
        return g;
    }

    /** This network's parameters moved towards {@code source}'s: {@code p = tau * source + (1 - tau) * p}. */
    void softUpdateFrom(Mlp source, double tau) {
        for (int l = 0; l < params.w.length; l++) {
            blend(params.w[l], source.params.w[l], tau);
            blend(params.b[l], source.params.b[l], tau);
        }
    }

    private static void blend(double[] target, double[] source, double tau) {
        for (int i = 0; i < target.length; i++) {
            target[i] = tau * source[i] + (1 - tau) * target[i];
        }
    }

    /** An independent copy (the target networks start as copies of the learned ones). */
    Mlp copy() {
        Mlp c = new Mlp(sizes, activations, new Random(0));
        c.softUpdateFrom(this, 1.0);
        return c;
    }
}
