package org.pmpdrepro.decode;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The PyTorch engine's intra-op thread count: recorded with trained artefacts (training is bit-reproducible across
 * processes only with one thread) and changed by the suite to measure how much results depend on reduction order.
 */
public final class IntraOpThreads {

    private IntraOpThreads() {}

    public static int current() {
        Engine.getInstance(); // loads the native library before JNI is called
        return JniUtils.getNumThreads();
    }

    public static void set(int threads) {
        Engine.getInstance();
        JniUtils.setNumThreads(threads);
    }
}
