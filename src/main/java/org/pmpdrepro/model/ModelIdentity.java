package org.pmpdrepro.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pmpdrepro.io.Hashes;

/**
 * What a result was produced from: a model directory's files and their SHA-256, combined into one digest.
 *
 * @param directory the directory as it was given (not made absolute, so results carry no machine paths)
 * @param files SHA-256 of each file that defines the model, by file name
 * @param sha256 SHA-256 over the lines {@code name SP sha256 LF} of {@link #files} in name order: equal exactly
 *     when every defining file is byte-identical, wherever the directory lies
 */
public record ModelIdentity(String directory, Map<String, String> files, String sha256) {

    public ModelIdentity {
        files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** Hashes each of {@code files} (names relative to {@code dir}) and combines the digests. */
    public static ModelIdentity of(Path dir, Iterable<String> fileNames) {
        Map<String, String> hashes = new TreeMap<>();
        for (String name : fileNames) {
            hashes.put(name, Hashes.sha256Hex(dir.resolve(name)));
        }
        MessageDigest md = Hashes.sha256();
        hashes.forEach((name, hash) -> md.update((name + " " + hash + "\n").getBytes(StandardCharsets.UTF_8)));
        return new ModelIdentity(dir.toString(), hashes, HexFormat.of().formatHex(md.digest()));
    }

    /** The tokenizer file a model directory holds beside its weights. */
    public static final String TOKENIZER = "tokenizer.json";
    /** The optional tokenizer configuration (it names the special tokens). */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    /**
     * The identity of a model directory: SHA-256 of {@code config.json}, every weight file (the index and its shards
     * for a sharded checkpoint), {@code tokenizer.json} and, when present, {@code tokenizer_config.json}.
     */
    public static ModelIdentity ofDirectory(Path dir, CheckpointDirectory checkpoint) {
        List<String> names = new ArrayList<>();
        names.add(CheckpointDirectory.CONFIG);
        names.add(checkpoint.weightsFile().getFileName().toString());
        for (Path f : checkpoint.files()) {
            String name = f.getFileName().toString();
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        names.add(TOKENIZER);
        if (Files.isRegularFile(dir.resolve(TOKENIZER_CONFIG))) {
            names.add(TOKENIZER_CONFIG);
        }
        return of(dir, names);
    }

    /** The first 12 hex digits, enough to tell models apart in a table. */
    public String shortHash() {
        return sha256.substring(0, 12);
    }
}
