package org.pmpdrepro.decode;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the C allocator from returning freed memory to the kernel between forward passes.
 *
 * <p>PyTorch's CPU tensors come from {@code malloc}. With glibc's defaults, freed blocks at the top of a heap are
 * trimmed and large blocks are mapped and unmapped on every allocation, so every pass touches fresh pages: on this
 * project's 2-core machine decoding the fixture model spent about as long in the kernel zeroing pages as in arithmetic
 * (measured: 10.5 s system time against 15.6 s user time for one task). Keeping freed memory in one arena makes the
 * next pass reuse it. The settings change how much memory the process keeps mapped, never a computed value.
 *
 * <p>The price is memory: what a pass frees stays resident until the process ends. Decoding reuses it at once, but
 * a long quantization pass whose live set moves (the Fisher pass keeps each sequence's boundary streams while freeing
 * its activations; GPTQ replaces one block's arrays by the next) piles freed memory up: 12.5 GB resident during the
 * Fisher pass at the TinyLlama-1.1B shape, 6.9 GB after one {@link #giveBackFreedMemory}. Such passes call that at
 * their phase boundaries and pay for it in page faults (that Any-Precision run: 16.9 min and 14.4 GB without,
 * 21.4 min and 11.7 GB with).
 *
 * <p>On a C library without {@code mallopt} and {@code malloc_trim} (not glibc) this does nothing.
 */
public final class NativeAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(NativeAllocator.class);

    // glibc's <malloc.h> parameter numbers.
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int M_ARENA_MAX = -8;

    /** glibc refuses a fixed mapping threshold above half its largest heap (32 MiB on 64-bit). */
    private static final int MMAP_THRESHOLD = 32 << 20;

    private static volatile boolean tuned;

    private interface LibC extends Library {
        int mallopt(int param, int value);

        int malloc_trim(long pad);
    }

    private static LibC trimmer;
    private static boolean noTrim;

    private NativeAllocator() {}

    /** Applies the settings once per process; later calls return at once. */
    public static synchronized void keepFreedMemory() {
        if (tuned) {
            return;
        }
        tuned = true;
        try {
            LibC c = Native.load("c", LibC.class);
            boolean ok = c.mallopt(M_ARENA_MAX, 1) == 1
                    & c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    & c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
            LOG.debug("C allocator: one arena, blocks up to {} bytes from the heap, no trimming ({})", MMAP_THRESHOLD,
                    ok ? "applied" : "partly refused");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.debug("C allocator settings not applied: {}", e.toString());
        }
    }

    /**
     * Hands the C heap's free memory back to the kernel now ({@code malloc_trim(0)}), whatever the settings of
     * {@link #keepFreedMemory}; does nothing without glibc.
     */
    public static synchronized void giveBackFreedMemory() {
        if (noTrim) {
            return;
        }
        try {
            if (trimmer == null) {
                trimmer = Native.load("c", LibC.class);
            }
            trimmer.malloc_trim(0);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            noTrim = true;
            LOG.debug("malloc_trim not available: {}", e.toString());
        }
    }
}
