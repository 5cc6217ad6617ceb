package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The hand-written back-propagation of the agent's networks agrees with finite differences. */
@Tag("unit")
class MlpTest {

    private static final double H = 1e-6;

    /** A scalar loss of the output: a weighted sum, so every output unit matters. */
    private static double loss(Mlp net, double[] x) {
        double[] y = net.output(x);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (i + 1.5) * y[i];
        }
        return s;
    }

    private static void checkGradients(Mlp.Activation last) {
        Random random = new Random(3);
        Mlp net = new Mlp(new int[] {5, 7, 6, 2},
                new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.RELU, last}, random);
        // Larger output weights than the initialisation's, so the output layer's gradient is not negligible.
        for (int i = 0; i < net.params.w[2].length; i++) {
            net.params.w[2][i] = random.nextGaussian();
        }
        double[] x = {0.3, -0.7, 0.2, 0.9, -0.1};
        double[][] trace = net.forward(x);
        Mlp.Params grad = net.zeroGradient();
        double[] dInput = net.backward(trace, new double[] {1.5, 2.5}, grad);
        for (int l = 0; l < 3; l++) {
            for (int i = 0; i < net.params.w[l].length; i++) {
                double saved = net.params.w[l][i];
                net.params.w[l][i] = saved + H;
                double up = loss(net, x);
                net.params.w[l][i] = saved - H;
                double down = loss(net, x);
                net.params.w[l][i] = saved;
                assertThat(grad.w[l][i]).as("dL/dw layer %d index %d", l, i).isCloseTo((up - down) / (2 * H),
                        within(1e-6));
            }
            for (int i = 0; i < net.params.b[l].length; i++) {
                double saved = net.params.b[l][i];
                net.params.b[l][i] = saved + H;
                double up = loss(net, x);
                net.params.b[l][i] = saved - H;
                double down = loss(net, x);
                net.params.b[l][i] = saved;
                assertThat(grad.b[l][i]).as("dL/db layer %d index %d", l, i).isCloseTo((up - down) / (2 * H),
                        within(1e-6));
            }
        }
        for (int i = 0; i < x.length; i++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += H;
            xm[i] -= H;
            assertThat(dInput[i]).as("dL/dx %d", i).isCloseTo((loss(net, xp) - loss(net, xm)) / (2 * H),
                    within(1e-6));
        }
    }

    @Test
    void backPropagationMatchesFiniteDifferencesWithASigmoidOutput() {
        checkGradients(Mlp.Activation.SIGMOID);
    }

    @Test
    void backPropagationMatchesFiniteDifferencesWithALinearOutput() {
        checkGradients(Mlp.Activation.IDENTITY);
    }

    @Test
    void aSoftUpdateWithTauOneCopiesTheSource() {
        Mlp a = new Mlp(new int[] {3, 4, 1}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.IDENTITY},
                new Random(1));
        Mlp b = new Mlp(new int[] {3, 4, 1}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.IDENTITY},
                new Random(2));
        double[] x = {0.1, 0.2, 0.3};
        assertThat(a.output(x)[0]).isNotEqualTo(b.output(x)[0]);
        b.softUpdateFrom(a, 1.0);
        assertThat(b.output(x)[0]).isEqualTo(a.output(x)[0]);
    }

    @Test
    void adamStepsReduceAQuadraticLoss() {
        Mlp net = new Mlp(new int[] {2, 8, 1}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.IDENTITY},
                new Random(5));
        Adam adam = new Adam(net, 1e-2);
        double[] x = {0.5, -0.4};
        double target = 2.0;
        double before = Math.pow(net.output(x)[0] - target, 2);
        for (int step = 0; step < 200; step++) {
            double[][] trace = net.forward(x);
            double y = trace[trace.length - 1][0];
            Mlp.Params grad = net.zeroGradient();
            net.backward(trace, new double[] {2 * (y - target)}, grad);
            adam.step(net, grad);
        }
        assertThat(Math.pow(net.output(x)[0] - target, 2)).isLessThan(before / 100);
    }
}
