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
        split(w.blocks(), (from, to) -> w.multiplyBlocks(prepared, y, from, to));
    }

    /** Work on a range {@code [from, to)} of items. */
    @FunctionalInterface
    public interface Share {
        void run(int from, int to);
    }

    /**
     * Runs {@code share} over contiguous shares of {@code [0, count)}, one per thread (the calling thread takes the
     * first), and returns when all are done.
     */
    public void split(int count, Share share) {
        int parts = Math.min(threads, count);
        List<Future<?>> running = new ArrayList<>(parts);
        RuntimeException failure = null;
        try {
            for (int i = 1; i < parts; i++) {
                int from = (int) ((long) count * i / parts);
                int to = (int) ((long) count * (i + 1) / parts);
                running.add(pool.submit(() -> share.run(from, to)));
            }
            share.run(0, parts == 0 ? 0 : (int) ((long) count / parts));
        } catch (RuntimeException e) {
            failure = e;
        }
        // Every share is waited for, even after a failure, so none is still writing when this returns.
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
                        failure = new IllegalStateException("a thread's share failed: " + e.getCause(), e.getCause());
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
