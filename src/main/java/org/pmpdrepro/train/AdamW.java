package org.pmpdrepro.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), global-norm gradient clipping, and moments that can be
 * checkpointed (DJL's built-in optimizer keeps its state private, which would make resuming inexact).
 */
final class AdamW {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float clipNorm;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long steps;

    AdamW(float beta1, float beta2, float eps, float weightDecay, float clipNorm) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
    }

    /** Zero moments for the parameters of {@code model}, or the checkpointed ones when {@code moments} is given. */
    void init(NDManager manager, TrainableLlama model, Map<String, NDArray> moments, long stepsTaken) {
        m.clear();
        v.clear();
        List<String> names = model.names();
        List<NDArray> params = model.arrays();
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
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
     * One update of every parameter of {@code model} from its gradient at learning rate {@code lr}.
     *
     * @return the gradient's global norm before clipping; when it is not finite nothing is updated
     */
    float step(TrainableLlama model, float lr) {
        List<String> names = model.names();
        List<NDArray> params = model.arrays();
        float norm;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sq = 0;
            for (NDArray p : params) {
                sq += p.getGradient().square().sum().getFloat();
            }
            norm = (float) Math.sqrt(sq);
            if (!Float.isFinite(norm)) {
                return norm;
            }
            steps++;
            float scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
            float c1 = (float) (1 - Math.pow(beta1, steps));
            float c2 = (float) (1 - Math.pow(beta2, steps));
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient().mul(scale);
                NDArray newM = m.get(i).mul(beta1).add(g.mul(1 - beta1));
                NDArray newV = v.get(i).mul(beta2).add(g.square().mul(1 - beta2));
                NDArray update = newM.div(c1).div(newV.div(c2).sqrt().add(eps));
                if (weightDecay > 0 && TrainableLlama.decays(names.get(i))) {
                    update = update.add(p.mul(weightDecay));
                }
                NDArray updated = p.sub(update.mul(lr));
                NDScope.unregister(newM, newV, updated);
                m.get(i).close();
                v.get(i).close();
                m.set(i, newM);
                v.set(i, newV);
                model.replace(names.get(i), updated);
            }
        }
        return norm;
    }

    long steps() {
        return steps;
    }

    /** The moments, interleaved m0, v0, m1, v1, ... and named for a checkpoint. */
    NDList moments(List<String> names) {
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
