package org.pmpdrepro.decode.cpu.kernel;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs matrix-vector products on a fixed number of threads, each taking a contiguous share of the row blocks (the
 * calling thread one of them). Each block is computed by one thread in the kernel's fixed order, so the result does
 * not depend on the number of threads.
 *
 * <p>Between products the worker threads wait spinning for {@link #SPIN_NANOS} before they sleep, and so does the
 * calling thread while it waits for them. A decode step hands them about sixty products back to back, and a sleeping
 * thread took about 30 µs to wake on this project's 2-core virtual machine (a product of 32 x 512 weights: 1 µs on
 * one thread, 30-33 µs on two when the worker slept between products, as it did in a thread pool): a tenth of a 4096²
 * product at 3 bits. A thread that waits longer than that sleeps until woken, so an idle model costs no processor time;
 * with more threads than processors none spins (a spinning thread would keep a working one off its processor).
 * One product at a time: concurrent callers take turns, and a share that starts a product on the same threads is
 * refused.
 */
public final class RowThreads implements AutoCloseable {

    /** How long a waiting thread spins before it sleeps. */
    static final long SPIN_NANOS = 500_000L;

    private final int threads;
    /** {@link #SPIN_NANOS}, or 0 when there are more threads than processors (a spinning thread would hold one). */
    private final long spinNanos;
    private final Worker[] workers;
    /** Held by the caller of {@link #split} for the whole call. */
    private final Object turn = new Object();
    /** The thread in {@link #split}, for refusing a nested call. */
    private Thread owner;

    /**
     * The product being run, published whole in one volatile write: a worker that sat out one product (more threads
     * than shares) may read the next one's, and must then see its share, count and parts together (read field by
     * field, such a worker once ran a share of the next product twice: RowThreadsTest, 5 threads).
     */
    private record Task(long generation, Share share, int count, int parts) {}

    private volatile Task task = new Task(0, null, 0, 0);
    private volatile boolean closed;
    /** The caller of the running product, which a worker wakes when it finishes and the caller is asleep. */
    private volatile Thread waiting;
    /** Set by the caller before it parks and re-checks its worker: a worker that finishes then unparks it. */
    private volatile boolean waitingAsleep;

    public RowThreads(int threads) {
        this(threads, Thread::new);
    }

    /**
     * Workers made by {@code factory} (for tests). If a worker cannot be made or started (e.g. the system refuses a
     * new thread), the ones already started are stopped before the failure is thrown.
     */
    RowThreads(int threads, ThreadFactory factory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + "; expected at least 1");
        }
        this.threads = threads;
        this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0;
        this.workers = new Worker[threads - 1];
        try {
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(i + 1, factory);
                workers[i].thread.start();
            }
        } catch (RuntimeException | Error e) {
            closeNow();
            throw e;
        }
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
     * first), and returns when all are done. A share's exception is rethrown after every share has ended (a worker's
     * wrapped in an {@link IllegalStateException}), so none is still writing when this returns.
     */
    public void split(int count, Share share) {
        if (isWorker(Thread.currentThread())) {
            throw new IllegalStateException("a share started a product on the threads running it");
        }
        synchronized (turn) {
            if (owner == Thread.currentThread()) {
                throw new IllegalStateException("a share started a product on the threads running it");
            }
            if (closed) {
                throw new IllegalStateException("these row threads are closed");
            }
            int parts = Math.min(threads, count);
            owner = Thread.currentThread();
            try {
                if (parts <= 1) {
                    share.run(0, count);
                } else {
                    run(count, share, parts);
                }
            } finally {
                owner = null;
            }
        }
    }

    private boolean isWorker(Thread t) {
        for (Worker w : workers) {
            if (w.thread == t) {
                return true;
            }
        }
        return false;
    }

    private void run(int count, Share share, int parts) {
        waiting = Thread.currentThread();
        long g = task.generation() + 1;
        task = new Task(g, share, count, parts);
        for (Worker w : workers) {
            if (w.asleep) {
                LockSupport.unpark(w.thread);
            }
        }
        Throwable failure = null;
        try {
            share.run(0, from(count, 1, parts));
        } catch (Throwable e) {
            failure = e;
        }
        boolean interrupted = false;
        for (int i = 0; i < parts - 1; i++) {
            Worker w = workers[i];
            interrupted |= awaitDone(w, g);
            Throwable f = w.failure;
            if (f != null) {
                w.failure = null;
                if (failure == null) {
                    failure = new IllegalStateException("a thread's share failed: " + f, f);
                } else {
                    failure.addSuppressed(f);
                }
            }
        }
        // The same generation without the share, so that nothing of this product (its matrix, input and output) is
        // held until the next one; a worker that sat this product out and reads this sits it out as well.
        task = new Task(g, null, 0, 0);
        waiting = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a share failed: " + failure, failure);
        }
    }

    /** Start of share {@code part} of {@code [0, count)} in {@code parts}. */
    private static int from(int count, int part, int parts) {
        return (int) ((long) count * part / parts);
    }

    /**
     * Waits until worker w has finished generation g; whether the calling thread was interrupted meanwhile (the flag
     * is cleared while waiting, so that parking does not return at once, and restored by the caller).
     */
    private boolean awaitDone(Worker w, long g) {
        boolean interrupted = false;
        long start = System.nanoTime();
        while (w.done != g) {
            interrupted |= Thread.interrupted();
            if (System.nanoTime() - start < spinNanos) {
                Thread.onSpinWait();
                continue;
            }
            waitingAsleep = true;
            if (w.done != g) {
                LockSupport.park(this);
            }
            waitingAsleep = false;
        }
        return interrupted;
    }

    /**
     * Stops the worker threads. A product running on another thread is finished first (this waits for it); called
     * from a share, the product it belongs to still completes.
     */
    @Override
    public void close() {
        if (isWorker(Thread.currentThread())) {
            closeNow();
            return;
        }
        synchronized (turn) {
            closeNow();
        }
    }

    /** Marks these threads closed and wakes every worker (a slot the constructor failed to fill is null). */
    private void closeNow() {
        closed = true;
        for (Worker w : workers) {
            if (w != null) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** Worker {@code index} (1 to threads - 1) runs share {@code index} of every product. */
    private final class Worker implements Runnable {
        private final int index;
        private final Thread thread;
        private volatile long done;
        private volatile boolean asleep;
        private volatile Throwable failure;

        Worker(int index, ThreadFactory factory) {
            this.index = index;
            this.thread = factory.newThread(this);
            thread.setName("gemv-worker-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                // As a thread pool does: an interrupt a share left behind is not carried into waiting or the next one.
                Thread.interrupted();
                Task t = awaitTask(seen);
                if (t.generation() == seen) {
                    // Closed, and no product published: close() takes the callers' turn, so none can follow.
                    return;
                }
                seen = t.generation();
                if (index < t.parts()) {
                    try {
                        t.share().run(from(t.count(), index, t.parts()), from(t.count(), index + 1, t.parts()));
                    } catch (Throwable e) {
                        failure = e;
                    }
                }
                t = null;
                done = seen;
                if (waitingAsleep) {
                    LockSupport.unpark(waiting);
                }
            }
        }

        private Task awaitTask(long seen) {
            long start = System.nanoTime();
            Task t;
            while ((t = task).generation() == seen && !closed) {
                if (System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                asleep = true;
                if (task.generation() == seen && !closed) {
                    LockSupport.park(this);
                }
                asleep = false;
            }
            return t;
        }
    }
}
