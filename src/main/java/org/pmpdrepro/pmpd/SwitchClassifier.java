package org.pmpdrepro.pmpd;

import java.util.Random;

/**
 * The learned scheduler's classifier, after the paper's code: learned queries attend over the prompt's
 * head-averaged last-layer keys (scores scaled by {@code 1/sqrt(head_dim)}), pool the values, and a small MLP
 * (LayerNorm → Linear → ReLU → Linear) maps the pooled vector to logits of the four switch-point classes.
 *
 * <p>As in that code there are {@code pools × queriesPerPool} queries; the outputs of one pool's queries are
 * averaged and the pools concatenated, so the MLP's width is {@code pools × headDim}. Plain Java in double
 * precision, so training is exactly reproducible and its hand-written backward pass can be gradient-checked.
 * All parameters live in one flat array (see {@link Layout}), which is what the optimiser updates and what is saved.
 */
public final class SwitchClassifier {

    static final double LN_EPS = 1e-5;

    /** Sizes of the classifier and the offsets of each parameter block in the flat array. */
    public record Layout(int pools, int queriesPerPool, int headDim) {

        public Layout {
            if (pools < 1 || queriesPerPool < 1 || headDim < 1) {
                throw new IllegalArgumentException("classifier layout " + pools + " pools x " + queriesPerPool
                        + " queries x head dim " + headDim + ": every size must be at least 1");
            }
        }

        public int width() {
            return pools * headDim;
        }

        int queries() {
            return 0;
        }

        int gamma() {
            return pools * queriesPerPool * headDim;
        }

        int beta() {
            return gamma() + width();
        }

        int w1() {
            return beta() + width();
        }

        int b1() {
            return w1() + width() * width();
        }

        int w2() {
            return b1() + width();
        }

        int b2() {
            return w2() + SwitchPoints.CLASSES * width();
        }

        public int size() {
            return b2() + SwitchPoints.CLASSES;
        }
    }

    private final Layout layout;
    private final double[] params;

    public SwitchClassifier(Layout layout, double[] params) {
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("classifier " + layout + " has " + layout.size()
                    + " parameters; got " + params.length);
        }
        this.layout = layout;
        this.params = params.clone();
    }

    /**
     * Seeded initial parameters: queries Xavier-normal, LayerNorm identity, linear layers uniform in
     * {@code ±1/sqrt(fan_in)} (PyTorch's defaults).
     */
    public static SwitchClassifier initial(Layout layout, long seed) {
        Random rnd = new Random(seed);
        double[] p = new double[layout.size()];
        int nq = layout.pools() * layout.queriesPerPool();
        double xavier = Math.sqrt(2.0 / (nq + layout.headDim()));
        for (int i = 0; i < layout.gamma(); i++) {
            p[i] = rnd.nextGaussian() * xavier;
        }
        int w = layout.width();
        for (int i = 0; i < w; i++) {
            p[layout.gamma() + i] = 1;
        }
        double bound = 1 / Math.sqrt(w);
        for (int i = layout.w1(); i < layout.size(); i++) {
            p[i] = (rnd.nextDouble() * 2 - 1) * bound;
        }
        return new SwitchClassifier(layout, p);
    }

    public Layout layout() {
        return layout;
    }

    /** A copy of the flat parameters. */
    public double[] parameters() {
        return params.clone();
    }

    /** Class logits of one prompt's features. */
    public double[] logits(CacheFeatures x) {
        return forward(layout, params, x).logits;
    }

    /** The most likely class (lowest index on ties). */
    public int predict(CacheFeatures x) {
        double[] z = logits(x);
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Activations kept for the backward pass. */
    private record Forward(double[][][] attention, double[] pooled, double[] normed, double mean, double invStd,
            double[] hidden, double[] logits) {}

    private static Forward forward(Layout l, double[] p, CacheFeatures x) {
        requireShape(l, x);
        int d = l.headDim();
        int t = x.length();
        int nq = l.queriesPerPool();
        double scale = 1 / Math.sqrt(d);
        double[][][] att = new double[l.pools()][nq][];
        double[] pooled = new double[l.width()];
        for (int i = 0; i < l.pools(); i++) {
            for (int j = 0; j < nq; j++) {
                int q = ((i * nq) + j) * d;
                double[] a = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < t; s++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += p[q + c] * x.key(s, c);
                    }
                    a[s] = dot * scale;
                    max = Math.max(max, a[s]);
                }
                double sum = 0;
                for (int s = 0; s < t; s++) {
                    a[s] = Math.exp(a[s] - max);
                    sum += a[s];
                }
                for (int s = 0; s < t; s++) {
                    a[s] /= sum;
                    for (int c = 0; c < d; c++) {
                        pooled[i * d + c] += a[s] * x.value(s, c) / nq;
                    }
                }
                att[i][j] = a;
            }
        }
        int w = l.width();
        double mean = 0;
        for (double v : pooled) {
            mean += v;
        }
        mean /= w;
        double var = 0;
        for (double v : pooled) {
            var += (v - mean) * (v - mean);
        }
        double invStd = 1 / Math.sqrt(var / w + LN_EPS);
        double[] normed = new double[w];
        double[] y = new double[w];
        for (int c = 0; c < w; c++) {
            normed[c] = (pooled[c] - mean) * invStd;
            y[c] = normed[c] * p[l.gamma() + c] + p[l.beta() + c];
        }
        double[] hidden = new double[w];
        for (int o = 0; o < w; o++) {
            double s = p[l.b1() + o];
            for (int c = 0; c < w; c++) {
                s += p[l.w1() + o * w + c] * y[c];
            }
            hidden[o] = Math.max(0, s);
        }
        double[] z = new double[SwitchPoints.CLASSES];
        for (int k = 0; k < z.length; k++) {
            double s = p[l.b2() + k];
            for (int c = 0; c < w; c++) {
                s += p[l.w2() + k * w + c] * hidden[c];
            }
            z[k] = s;
        }
        return new Forward(att, pooled, normed, mean, invStd, hidden, z);
    }

    /**
     * Cross-entropy of {@code label} under the logits of {@code x}, adding its gradient with respect to
     * {@code params} to {@code grad}.
     */
    static double lossAndGradient(Layout l, double[] p, CacheFeatures x, int label, double[] grad) {
        Forward f = forward(l, p, x);
        int w = l.width();
        int d = l.headDim();
        double[] prob = softmax(f.logits);
        double loss = -Math.log(Math.max(prob[label], 1e-300));
        double[] dz = prob.clone();
        dz[label] -= 1;
        double[] dHidden = new double[w];
        for (int k = 0; k < dz.length; k++) {
            grad[l.b2() + k] += dz[k];
            for (int c = 0; c < w; c++) {
                grad[l.w2() + k * w + c] += dz[k] * f.hidden[c];
                dHidden[c] += dz[k] * p[l.w2() + k * w + c];
            }
        }
        double[] y = new double[w];
        for (int c = 0; c < w; c++) {
            y[c] = f.normed[c] * p[l.gamma() + c] + p[l.beta() + c];
        }
        double[] dy = new double[w];
        for (int o = 0; o < w; o++) {
            if (f.hidden[o] <= 0) {
                continue;
            }
            double g = dHidden[o];
            grad[l.b1() + o] += g;
            for (int c = 0; c < w; c++) {
                grad[l.w1() + o * w + c] += g * y[c];
                dy[c] += g * p[l.w1() + o * w + c];
            }
        }
        double[] dNormed = new double[w];
        double meanD = 0;
        double meanDn = 0;
        for (int c = 0; c < w; c++) {
            grad[l.gamma() + c] += dy[c] * f.normed[c];
            grad[l.beta() + c] += dy[c];
            dNormed[c] = dy[c] * p[l.gamma() + c];
            meanD += dNormed[c];
            meanDn += dNormed[c] * f.normed[c];
        }
        meanD /= w;
        meanDn /= w;
        double[] dPooled = new double[w];
        for (int c = 0; c < w; c++) {
            dPooled[c] = f.invStd * (dNormed[c] - meanD - f.normed[c] * meanDn);
        }
        double scale = 1 / Math.sqrt(d);
        int nq = l.queriesPerPool();
        int t = x.length();
        for (int i = 0; i < l.pools(); i++) {
            for (int j = 0; j < nq; j++) {
                double[] a = f.attention[i][j];
                double[] dA = new double[t];
                double weighted = 0;
                for (int s = 0; s < t; s++) {
                    double g = 0;
                    for (int c = 0; c < d; c++) {
                        g += dPooled[i * d + c] / nq * x.value(s, c);
                    }
                    dA[s] = g;
                    weighted += a[s] * g;
                }
                int q = ((i * nq) + j) * d;
                for (int s = 0; s < t; s++) {
                    double dScore = a[s] * (dA[s] - weighted) * scale;
                    for (int c = 0; c < d; c++) {
                        grad[q + c] += dScore * x.key(s, c);
                    }
                }
            }
        }
        return loss;
    }

    static double loss(Layout l, double[] p, CacheFeatures x, int label) {
        double[] prob = softmax(forward(l, p, x).logits);
        return -Math.log(Math.max(prob[label], 1e-300));
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] out = new double[z.length];
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            out[k] = Math.exp(z[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < z.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    private static void requireShape(Layout l, CacheFeatures x) {
        if (x.headDim() != l.headDim()) {
            throw new IllegalArgumentException("cache features have head dim " + x.headDim()
                    + "; the classifier was built for " + l.headDim());
        }
    }
}
