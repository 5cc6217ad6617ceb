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
 * <p>On a C library without {@code mallopt} (not glibc) this does nothing.
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
    }

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
}
