package org.pmpdrepro.suite;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** The PyTorch engine's intra-op thread count, changed to measure how much results depend on reduction order. */
final class IntraOpThreads {

    private IntraOpThreads() {}

    static int current() {
        Engine.getInstance(); // loads the native library before JNI is called
        return JniUtils.getNumThreads();
    }

    static void set(int threads) {
        Engine.getInstance();
        JniUtils.setNumThreads(threads);
    }
}
