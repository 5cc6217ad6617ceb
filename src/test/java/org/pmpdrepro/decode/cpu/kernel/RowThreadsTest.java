package org.pmpdrepro.decode.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row threads' hand-over: every item of every product run exactly once, in the same shares whatever happened
 * before (spinning, sleeping, failures), failures rethrown only after every share ended, and the refusals.
 */
@Tag("unit")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RowThreadsTest {

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void everyItemOfManyProductsBackToBackRunsOnceInContiguousShares(int threads) {
        try (RowThreads pool = new RowThreads(threads)) {
            for (int product = 0; product < 20_000; product++) {
                int count = product % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(count + 1);
                AtomicInteger shares = new AtomicInteger();
                pool.split(count, (from, to) -> {
                    shares.incrementAndGet();
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(runs.get(i)).as("product %d item %d", product, i).isEqualTo(1);
                }
                assertThat(shares.get()).as("product %d", product).isEqualTo(Math.max(1, Math.min(threads, count)));
            }
        }
    }

    @Test
    void theSharesAreTheSameContiguousRangesEveryTime() {
        try (RowThreads pool = new RowThreads(3)) {
            int[][] seen = new int[3][];
            pool.split(10, (from, to) -> seen[from == 0 ? 0 : from == 3 ? 1 : 2] = new int[] {from, to});
            assertThat(seen).isDeepEqualTo(new int[][] {{0, 3}, {3, 6}, {6, 10}});
        }
    }

    @Test
    void productsAfterTheWorkersWentToSleepStillRun() {
        long longerThanTheSpin = TimeUnit.NANOSECONDS.toMillis(RowThreads.SPIN_NANOS * 4);
        try (RowThreads pool = new RowThreads(2)) {
            for (int product = 0; product < 5; product++) {
                // Longer than the spin, so that the worker (and, below, the caller) sleeps and must be woken.
                sleep(longerThanTheSpin);
                AtomicInteger items = new AtomicInteger();
                pool.split(8, (from, to) -> {
                    if (from > 0) {
                        sleep(longerThanTheSpin);
                    }
                    items.addAndGet(to - from);
                });
                assertThat(items.get()).isEqualTo(8);
            }
        }
    }

    @Test
    void aWorkersFailureIsRethrownAfterEveryShareEndedAndTheThreadsGoOn() {
        try (RowThreads pool = new RowThreads(2)) {
            AtomicInteger callerFinished = new AtomicInteger();
            assertThatThrownBy(() -> pool.split(4, (from, to) -> {
                if (from > 0) {
                    throw new ArithmeticException("worker share");
                }
                callerFinished.incrementAndGet();
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("a thread's share failed")
                    .hasCauseInstanceOf(ArithmeticException.class);
            assertThat(callerFinished.get()).isEqualTo(1);
            AtomicInteger items = new AtomicInteger();
            pool.split(4, (from, to) -> items.addAndGet(to - from));
            assertThat(items.get()).as("the next product runs whole, without the old failure").isEqualTo(4);
        }
    }

    @Test
    void theCallersFailureWaitsForTheWorkersShare() {
        try (RowThreads pool = new RowThreads(2)) {
            AtomicInteger workerFinished = new AtomicInteger();
            assertThatThrownBy(() -> pool.split(4, (from, to) -> {
                if (from == 0) {
                    throw new ArithmeticException("caller share");
                }
                sleep(20);
                workerFinished.incrementAndGet();
            })).isInstanceOf(ArithmeticException.class);
            assertThat(workerFinished.get()).as("no share still running when split returns").isEqualTo(1);
        }
    }

    @Test
    void concurrentCallersTakeTurns() throws InterruptedException {
        try (RowThreads pool = new RowThreads(2)) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlap = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] callers = new Thread[3];
            for (int i = 0; i < callers.length; i++) {
                callers[i] = new Thread(() -> {
                    try {
                        start.await();
                        for (int p = 0; p < 2_000; p++) {
                            pool.split(2, (from, to) -> {
                                if (from == 0 && inside.incrementAndGet() != 1) {
                                    overlap.incrementAndGet();
                                }
                                if (from == 0) {
                                    inside.decrementAndGet();
                                }
                            });
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                callers[i].start();
            }
            start.countDown();
            for (Thread t : callers) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(overlap.get()).isZero();
        }
    }

    @Test
    void aShareThatStartsAProductOnTheSameThreadsIsRefusedOnTheCallerAndOnAWorker() {
        try (RowThreads pool = new RowThreads(2)) {
            for (int nested = 0; nested < 2; nested++) {
                int on = nested;
                assertThatThrownBy(() -> pool.split(2, (from, to) -> {
                    if (from == on) {
                        pool.split(2, (a, b) -> { });
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessageContaining("a share started a product");
            }
            // One item: the caller runs it alone, and a product started from it is refused all the same.
            assertThatThrownBy(() -> pool.split(1, (from, to) -> pool.split(2, (a, b) -> { })))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a share started a product");
        }
    }

    @Test
    void closeFromAnotherThreadLetsTheRunningProductFinishThenRefuses() throws InterruptedException {
        RowThreads pool = new RowThreads(2);
        AtomicInteger items = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try {
                pool.split(8, (from, to) -> {
                    started.countDown();
                    sleep(50);
                    items.addAndGet(to - from);
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        caller.start();
        started.await();
        pool.close();
        assertThat(items.get()).as("close() waited for the running product").isEqualTo(8);
        caller.join();
        assertThat(failure.get()).isNull();
        assertThatThrownBy(() -> pool.split(8, (from, to) -> { })).hasMessageContaining("closed");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void closeFromInsideAShareLetsItsProductFinish(int closer) {
        RowThreads pool = new RowThreads(3);
        AtomicInteger items = new AtomicInteger();
        pool.split(9, (from, to) -> {
            if (from == closer * 3) {
                pool.close();
            } else {
                sleep(20);
            }
            items.addAndGet(to - from);
        });
        assertThat(items.get()).isEqualTo(9);
        assertThatThrownBy(() -> pool.split(9, (from, to) -> { })).hasMessageContaining("closed");
    }

    @Test
    void anInterruptAShareLeavesOnAWorkerDoesNotReachItsNextShareAndTheCallersIsKept() {
        try (RowThreads pool = new RowThreads(2)) {
            pool.split(2, (from, to) -> {
                if (from > 0) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicInteger interruptedShares = new AtomicInteger();
            for (int product = 0; product < 3; product++) {
                sleep(5);
                pool.split(2, (from, to) -> {
                    if (from > 0 && Thread.currentThread().isInterrupted()) {
                        interruptedShares.incrementAndGet();
                    }
                });
            }
            assertThat(interruptedShares.get()).isZero();
            Thread.currentThread().interrupt();
            AtomicInteger items = new AtomicInteger();
            pool.split(4, (from, to) -> {
                if (from > 0) {
                    sleep(10);
                }
                items.addAndGet(to - from);
            });
            assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
            assertThat(items.get()).isEqualTo(4);
        }
    }

    @Test
    void whenTheCallerAndAWorkerFailTheCallersFailureCarriesTheWorkersAndTheNextProductIsClean() {
        try (RowThreads pool = new RowThreads(4)) {
            assertThatThrownBy(() -> pool.split(3, (from, to) -> {
                if (from == 0) {
                    throw new ArithmeticException("caller");
                }
                if (from == 2) {
                    throw new IllegalArgumentException("worker 2");
                }
            })).isInstanceOf(ArithmeticException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1)
                            .allSatisfy(s -> assertThat(s).isInstanceOf(IllegalArgumentException.class)));
            assertThatThrownBy(() -> pool.split(3, (from, to) -> {
                if (from == 2) {
                    throw new IllegalArgumentException("worker 2 alone");
                }
            })).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasRootCauseMessage("worker 2 alone");
            AtomicInteger items = new AtomicInteger();
            pool.split(3, (from, to) -> items.addAndGet(to - from));
            assertThat(items.get()).isEqualTo(3);
        }
    }

    @Test
    void closedThreadsAndNoThreadsAreRefused() {
        RowThreads pool = new RowThreads(2);
        pool.close();
        assertThatThrownBy(() -> pool.split(4, (from, to) -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> new RowThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected at least 1");
    }
    @Test
    void whenAWorkerCannotBeStartedTheOnesAlreadyStartedEnd() throws InterruptedException {
        List<Thread> made = new ArrayList<>();
        ThreadFactory refusesTheThird = r -> {
            if (made.size() == 2) {
                throw new OutOfMemoryError("unable to create native thread (test)");
            }
            Thread t = new Thread(r);
            made.add(t);
            return t;
        };
        assertThatThrownBy(() -> new RowThreads(4, refusesTheThird)).isInstanceOf(OutOfMemoryError.class)
                .hasMessageContaining("(test)");
        assertThat(made).hasSize(2);
        for (Thread t : made) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
    }
}
