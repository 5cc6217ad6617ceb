package org.pmpdrepro.decode;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the C allocator's free memory back to the operating system ({@code malloc_trim} of GNU libc).
 *
 * <p>PyTorch allocates on the C heap from several threads. GNU libc keeps what they free in per-thread arenas of 64
 * MB and returns it only from the top of an arena, so a pass that allocates and frees many activation-sized arrays
 * (a Fisher or GPTQ pass over a 1.1B-parameter model) keeps gigabytes resident that nothing uses: measured during the
 * Fisher pass at the TinyLlama-1.1B shape, 12.5 GB resident fell to 6.9 GB on one {@code malloc_trim(0)}. Callers
 * trim after such a phase. Elsewhere (another C library, no GNU libc) this does nothing.
 */
public final class NativeHeap {

    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);

    /** The one function used from the C library. */
    interface CLibrary extends Library {
        int malloc_trim(long pad);
    }

    private static CLibrary libc;
    private static boolean unavailable;

    private NativeHeap() {}

    /** Returns free C-heap memory to the operating system where the C library can (GNU libc); else does nothing. */
    public static synchronized void trim() {
        if (unavailable) {
            return;
        }
        try {
            if (libc == null) {
                libc = Native.load("c", CLibrary.class);
            }
            libc.malloc_trim(0);
        } catch (LinkageError | RuntimeException e) {
            unavailable = true;
            LOG.debug("malloc_trim is not available here ({}); freed native memory stays with the C library", e.toString());
        }
    }
}
