package org.pmpdrepro.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), global-norm gradient clipping, and moments that can be
 * checkpointed (DJL's built-in optimizer keeps its state private, which would make resuming inexact). The
 * project's pre-training ({@link Trainer}) and Bit-Mixer's fine-tuning both update their parameters with it.
 */
public final class AdamW {

    /** The named, trainable arrays an optimizer step reads the gradients of and replaces. */
    public interface Parameters {

        /** The parameter names, in a fixed order. */
        List<String> names();

        /** The parameter arrays, in the order of {@link #names()}. */
        List<NDArray> arrays();

        /** Puts an updated array in place of the parameter {@code name}. */
        void replace(String name, NDArray updated);
    }

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final Predicate<String> decays;
    private final float clipNorm;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long steps;

    /**
     * @param weightDecay decoupled decay rate, applied to the parameters {@code decays} accepts (0: none)
     * @param clipNorm the gradients' global norm is scaled down to this when above it (0: no clipping)
     */
    public AdamW(float beta1, float beta2, float eps, float weightDecay, Predicate<String> decays, float clipNorm) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decays = decays;
        this.clipNorm = clipNorm;
    }

    /** Zero moments for {@code params}, or the checkpointed ones ({@code m.<name>}, {@code v.<name>}) when given. */
    public void init(NDManager manager, Parameters params, Map<String, NDArray> moments, long stepsTaken) {
        m.clear();
        v.clear();
        List<String> names = params.names();
        List<NDArray> arrays = params.arrays();
        for (int i = 0; i < arrays.size(); i++) {
            NDArray p = arrays.get(i);
            m.add(moments == null ? manager.zeros(p.getShape()) : moment(moments, "m." + names.get(i), manager));
            v.add(moments == null ? manager.zeros(p.getShape()) : moment(moments, "v." + names.get(i), manager));
        }
        this.steps = stepsTaken;
    }

    private static NDArray moment(Map<String, NDArray> moments, String name, NDManager manager) {
        NDArray a = moments.get(name);
        if (a == null) {
            throw new IllegalArgumentException("checkpoint lacks optimizer moment '" + name + "'");
        }
        a.attach(manager);
        return a;
    }

    /**
     * One update of every parameter from its gradient at learning rate {@code lr}.
     *
     * @return the gradient's global norm before clipping; when it is not finite nothing is updated
     */
    public float step(Parameters params, float lr) {
        return step(params, null, lr);
    }

    /**
     * One update of the parameters named in {@code active} ({@code null}: all). The others are left alone, moments
     * included (as PyTorch's AdamW skips a parameter without a gradient), so a parameter used rarely is not moved by
     * stale momentum; the clipping norm is taken over the active gradients only.
     *
     * @return the gradient's global norm before clipping; when it is not finite nothing is updated
     */
    public float step(Parameters params, Set<String> active, float lr) {
        List<String> names = params.names();
        List<NDArray> arrays = params.arrays();
        // Each parameter's temporaries are freed before the next parameter's are made: in one scope for the whole
        // step they would all be alive at its end (about fifteen arrays of each parameter's size).
        double sq = 0;
        for (int i = 0; i < arrays.size(); i++) {
            if (active == null || active.contains(names.get(i))) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    sq += arrays.get(i).getGradient().square().sum().getFloat();
                }
            }
        }
        float norm = (float) Math.sqrt(sq);
        if (!Float.isFinite(norm)) {
            return norm;
        }
        steps++;
        float scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        float c1 = (float) (1 - Math.pow(beta1, steps));
        float c2 = (float) (1 - Math.pow(beta2, steps));
        for (int i = 0; i < arrays.size(); i++) {
            String name = names.get(i);
            if (active != null && !active.contains(name)) {
                continue;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray p = arrays.get(i);
                NDArray g = p.getGradient().mul(scale);
                NDArray newM = m.get(i).mul(beta1).add(g.mul(1 - beta1));
                NDArray newV = v.get(i).mul(beta2).add(g.square().mul(1 - beta2));
                NDArray update = newM.div(c1).div(newV.div(c2).sqrt().add(eps));
                if (weightDecay > 0 && decays.test(name)) {
                    update = update.add(p.mul(weightDecay));
                }
                NDArray updated = p.sub(update.mul(lr));
                NDScope.unregister(newM, newV, updated);
                m.get(i).close();
                v.get(i).close();
                m.set(i, newM);
                v.set(i, newV);
                params.replace(name, updated);
            }
        }
        return norm;
    }

    /** Updates taken, those of the checkpoint resumed from included. */
    public long steps() {
        return steps;
    }

    /** The moments, interleaved m0, v0, m1, v1, ... and named for a checkpoint. */
    public NDList moments(List<String> names) {
        NDList out = new NDList();
        for (int i = 0; i < m.size(); i++) {
            m.get(i).setName("m." + names.get(i));
            v.get(i).setName("v." + names.get(i));
            out.add(m.get(i));
            out.add(v.get(i));
        }
        return out;
    }
}
