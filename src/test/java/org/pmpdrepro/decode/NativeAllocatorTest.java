package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@Tag("unit")
class NativeAllocatorTest {

    /** Resident memory of this process in kB, from /proc. */
    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void freedEngineArraysKeptByTheCAllocatorAreGivenBack() throws IOException {
        NativeAllocator.keepFreedMemory();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // 2,000 arrays of 64 KB (below the C allocator's mmap threshold), every 20th kept so that the freed
            // ones sit between live ones and cannot be returned from the top of the heap.
            List<NDArray> all = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                all.add(m.ones(new Shape(16 * 1024)));
            }
            for (int i = 0; i < all.size(); i++) {
                if (i % 20 != 0) {
                    all.get(i).close();
                }
            }
            long before = residentKb();
            NativeAllocator.giveBackFreedMemory();
            long after = residentKb();
            assertThat(before - after).as("kB given back (resident %d kB before)", before).isGreaterThan(50_000);
        }
    }

    @Test
    void arraysMadeAfterATrimUnderTheKeepSettingsHoldTheirValues() {
        NativeAllocator.keepFreedMemory();
        NativeAllocator.giveBackFreedMemory();
        NativeAllocator.giveBackFreedMemory();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertThat(m.arange(1000f).sum().getFloat()).isEqualTo(499500f);
        }
    }
}
