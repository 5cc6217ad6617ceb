package org.pmpdrepro.quant.haq;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Random;
import java.util.function.Consumer;
import org.pmpdrepro.io.AtomicFiles;

/**
 * Everything a search carries from one episode to the next, saved after each so a stopped search resumes exactly:
 * the random generator, the agent (networks, optimiser moments, replay buffer, baseline) and the log. Keyed by
 * everything that changes the result; a checkpoint of another search is ignored, never resumed.
 */
final class SearchState implements Serializable {

    private static final long serialVersionUID = 1L;

    final String key;
    final Random random;
    final DdpgAgent agent;
    final ArrayList<EpisodeRecord> log = new ArrayList<>();

    SearchState(String key, Random random, DdpgAgent agent) {
        this.key = key;
        this.random = random;
        this.agent = agent;
    }

    /** The best-rewarded episode so far; the earliest among equals. */
    EpisodeRecord best() {
        EpisodeRecord best = null;
        for (EpisodeRecord r : log) {
            if (best == null || r.reward() > best.reward()) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no episode has run yet");
        }
        return best;
    }

    void save(Path file) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(this);
            }
            AtomicFiles.writeBytes(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the search checkpoint " + file, e);
        }
    }

    /**
     * The state in {@code file} when it belongs to the search keyed {@code key}; null (said to {@code progress})
     * when there is no file or it belongs to another search. An unreadable file is an error naming it.
     */
    static SearchState load(Path file, String key, Consumer<String> progress) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        SearchState state;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            state = (SearchState) in.readObject();
        } catch (InvalidClassException | StreamCorruptedException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException("search checkpoint " + file + " is not a readable HAQ search state ("
                    + e.getMessage() + "); delete it to start afresh", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the search checkpoint " + file, e);
        }
        if (!state.key.equals(key)) {
            progress.accept("checkpoint " + file + " belongs to another search; starting afresh");
            return null;
        }
        progress.accept("resuming from " + file + " after episode " + state.log.size());
        return state;
    }
}
