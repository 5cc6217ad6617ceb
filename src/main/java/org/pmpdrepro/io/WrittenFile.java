package org.pmpdrepro.io;

import java.nio.file.Path;

/** A file written by {@link AtomicFiles}, with what the manifest records about it. */
public record WrittenFile(Path path, String sha256, long lines, long bytes) {}
