package org.pmpdrepro.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the decoding thread spends its time, from Java Flight Recorder's samples: a sample taken while the thread is
 * inside the engine's native library is charged to the engine call it is in (a matrix product, an element-wise
 * operation, a copy), a sample in Java code to the Java method at the top of its stack. The engine's own worker
 * threads are not sampled, so shares are of the decoding thread's wall time.
 */
public final class OpProfile {

    /** Samples per label, most first. */
    public record Shares(Map<String, Long> samples, long total) {

        /** The top {@code n} labels with their share of samples, as markdown rows. */
        public String markdown(int n) {
            StringBuilder md = new StringBuilder("| where the decoding thread was | samples | share |\n|---|---:|---:|\n");
            samples.entrySet().stream().limit(n).forEach(e -> md.append(String.format(java.util.Locale.ROOT,
                    "| %s | %d | %.1f%% |%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / total)));
            return md.toString();
        }
    }

    private OpProfile() {}

    /** Runs {@code work} under a recording and attributes the samples of the thread that ran it. */
    public static Shares of(Runnable work, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path file = scratch.resolve("decode.jfr");
        String thread = Thread.currentThread().getName();
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            r.start();
            work.run();
            r.stop();
            r.dump(file);
        }
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String sampled = e.hasField("sampledThread") && e.getThread("sampledThread") != null
                    ? e.getThread("sampledThread").getJavaName() : null;
            if (!thread.equals(sampled)) {
                continue;
            }
            counts.merge(label(e), 1L, Long::sum);
            total++;
        }
        Map<String, Long> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        return new Shares(sorted, total);
    }

    private static String label(RecordedEvent e) {
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return "(no stack)";
        }
        List<RecordedFrame> frames = stack.getFrames();
        RecordedFrame top = frames.get(0);
        String type = top.getMethod().getType().getName();
        String method = top.getMethod().getName();
        if (e.getEventType().getName().equals("jdk.NativeMethodSample")) {
            return "engine: " + simpleName(type) + "." + method;
        }
        // Java code: charge the first project frame, so library helpers count against their caller.
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("org.pmpdrepro.")) {
                return "java: " + simpleName(t) + "." + f.getMethod().getName();
            }
        }
        return "java: " + simpleName(type) + "." + method;
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
