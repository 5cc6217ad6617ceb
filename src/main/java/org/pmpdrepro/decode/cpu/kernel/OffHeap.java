package org.pmpdrepro.decode.cpu.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap memory for the kernels' matrices: allocations that live until {@link #close}, when all of them are
 * released together (a shared arena, so any worker thread may read them).
 */
public final class OffHeap implements AutoCloseable {

    /** Vector loads start on cache lines where the layout allows. */
    private static final long ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();

    /** Zeroed memory of {@code bytes}. */
    public MemorySegment allocate(long bytes) {
        return arena.allocate(Math.max(bytes, 1), ALIGNMENT);
    }

    @Override
    public void close() {
        arena.close();
    }
}
