package org.pmpdrepro.decode.cpu.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs matrix-vector products on a fixed number of threads, each taking a contiguous share of the row blocks (the
 * calling thread one of them). Each block is computed by one thread in the kernel's fixed order, so the result does
 * not depend on the number of threads.
 */
public final class RowThreads implements AutoCloseable {

    private final int threads;
    private final ExecutorService pool;

    public RowThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + "; expected at least 1");
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "gemv-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** {@code y = W x}. */
    public void multiply(Gemv w, float[] x, float[] y) {
        w.checkOutput(y);
        Gemv.Prepared prepared = w.prepare(x);
        int blocks = w.blocks();
        int parts = Math.min(threads, blocks);
        List<Future<?>> running = new ArrayList<>(parts);
        RuntimeException failure = null;
        try {
            for (int i = 1; i < parts; i++) {
                int from = (int) ((long) blocks * i / parts);
                int to = (int) ((long) blocks * (i + 1) / parts);
                running.add(pool.submit(() -> w.multiplyBlocks(prepared, y, from, to)));
            }
            w.multiplyBlocks(prepared, y, 0, (int) ((long) blocks / parts));
        } catch (RuntimeException e) {
            failure = e;
        }
        // Every share is waited for, even after a failure, so none is still writing y when this returns.
        boolean interrupted = false;
        for (Future<?> f : running) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("a product's rows failed: " + e.getCause(), e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
