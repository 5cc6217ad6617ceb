package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam with decoupled weight decay and global-norm clipping over the fine-tuned parameters, with moments that
 * checkpoints can hold (the same update as the project's pre-training optimizer; fine-tuning uses no decay, so
 * the learned steps and gains are not pulled towards zero).
 */
final class ParameterAdamW {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float clipNorm;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long steps;

    ParameterAdamW(float beta1, float beta2, float eps, float clipNorm) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.clipNorm = clipNorm;
    }

    /** Zero moments, or the checkpointed ones ({@code m.<name>}, {@code v.<name>}) when given. */
    void init(NDManager manager, TrainableBitMixer model, Map<String, NDArray> moments, long stepsTaken) {
        m.clear();
        v.clear();
        List<String> names = model.names();
        List<NDArray> params = model.arrays();
        for (int i = 0; i < params.size(); i++) {
            m.add(moments == null ? manager.zeros(params.get(i).getShape()) : moment(moments, "m." + names.get(i), manager));
            v.add(moments == null ? manager.zeros(params.get(i).getShape()) : moment(moments, "v." + names.get(i), manager));
        }
        steps = stepsTaken;
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
     * One update of the parameters in {@code active} from their gradients at rate {@code lr}. The steps and gains
     * of widths the forward pass did not use are left alone, moments included (as PyTorch's AdamW skips a
     * parameter without a gradient), so a width trained rarely is not moved by stale momentum.
     *
     * @return the gradient's global norm before clipping; when it is not finite nothing is updated
     */
    float step(TrainableBitMixer model, Set<String> active, float lr) {
        List<String> names = model.names();
        List<NDArray> params = model.arrays();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sq = 0;
            for (int i = 0; i < params.size(); i++) {
                if (active.contains(names.get(i))) {
                    sq += params.get(i).getGradient().square().sum().getFloat();
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
            for (int i = 0; i < params.size(); i++) {
                if (!active.contains(names.get(i))) {
                    continue;
                }
                NDArray p = params.get(i);
                NDArray g = p.getGradient().mul(scale);
                NDArray newM = m.get(i).mul(beta1).add(g.mul(1 - beta1));
                NDArray newV = v.get(i).mul(beta2).add(g.square().mul(1 - beta2));
                NDArray update = newM.div(c1).div(newV.div(c2).sqrt().add(eps));
                NDArray updated = p.sub(update.mul(lr));
                NDScope.unregister(newM, newV, updated);
                m.get(i).close();
                v.get(i).close();
                m.set(i, newM);
                v.set(i, newV);
                model.replace(names.get(i), updated);
            }
            return norm;
        }
    }

    long steps() {
        return steps;
    }

    /** The moments named for a checkpoint. */
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
