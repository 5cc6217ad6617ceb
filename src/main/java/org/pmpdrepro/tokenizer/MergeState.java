package org.pmpdrepro.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The words of a corpus as symbol sequences, with the count of every adjacent symbol pair and, per pair, the
 * words that (may) contain it, so that a merge only revisits the words it changes.
 *
 * <p>Symbols 0–255 are the bytes; later symbols are merge results, numbered in creation order. Two different
 * pairs can spell the same byte string ("a"+"bc" and "ab"+"c"); the second then reuses the first one's symbol,
 * as Hugging Face's trainer does, so the number of symbols can grow slower than the number of merges.
 *
 * <p>The best pair comes from a priority queue with lazy invalidation: an entry holds the pair's count when it
 * was queued; a popped entry whose count is stale is queued again with the current count. Every count increase
 * queues a fresh entry, so the largest current count is always reachable.
 */
final class MergeState {

    private static final int[] NONE = new int[0];

    /** A queued pair and its count when it was queued. */
    private record Candidate(long count, long pair) {}

    private final int[][] words;
    private final long[] wordCounts;
    private final int[] wordStamp;

    private final List<byte[]> symbolBytes = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final Set<String> forbiddenResults;

    private final LongIntHashMap pairSlots;
    private long[] pairKey = new long[1024];
    private long[] pairCount = new long[1024];
    private long[] pairBefore = new long[1024];
    private int[] pairStamp = new int[1024];
    private int[][] where = new int[1024][];
    private int[] whereSize = new int[1024];
    private int slotCount;

    private int stamp;
    private int[] touched = new int[1024];
    private int touchedSize;

    private final PriorityQueue<Candidate> queue;

    /**
     * @param uniqueWords each distinct pre-tokenized word as UTF-8 bytes, in a fixed order
     * @param counts how often each word occurs
     * @param forbiddenResults byte-level strings no merge may produce (the special tokens)
     */
    MergeState(List<byte[]> uniqueWords, long[] counts, Set<String> forbiddenResults) {
        this.forbiddenResults = Set.copyOf(forbiddenResults);
        for (int b = 0; b < 256; b++) {
            byte[] single = {(byte) b};
            symbolIds.put(ByteLevel.toSymbols(single), b);
            symbolBytes.add(single);
        }
        words = new int[uniqueWords.size()][];
        wordCounts = counts.clone();
        wordStamp = new int[words.length];
        pairSlots = new LongIntHashMap(1 << 16);
        for (int w = 0; w < words.length; w++) {
            byte[] bytes = uniqueWords.get(w);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = bytes[i] & 0xFF;
            }
            words[w] = symbols;
            for (int i = 0; i + 1 < symbols.length; i++) {
                addToPair(symbols[i], symbols[i + 1], counts[w], w, true);
            }
        }
        queue = new PriorityQueue<>(Math.max(1, slotCount), byCountThenBytes());
        for (int slot = 0; slot < slotCount; slot++) {
            if (pairCount[slot] > 0) {
                queue.add(new Candidate(pairCount[slot], pairKey[slot]));
            }
        }
    }

    /** Ties go to the pair whose left then right symbol is smallest as unsigned bytes: no hash order leaks in. */
    private Comparator<Candidate> byCountThenBytes() {
        return (a, b) -> {
            int byCount = Long.compare(b.count(), a.count());
            if (byCount != 0) {
                return byCount;
            }
            int byLeft = Arrays.compareUnsigned(symbolBytes.get(left(a.pair())), symbolBytes.get(left(b.pair())));
            if (byLeft != 0) {
                return byLeft;
            }
            return Arrays.compareUnsigned(symbolBytes.get(right(a.pair())), symbolBytes.get(right(b.pair())));
        };
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }

    int symbolCount() {
        return symbolBytes.size();
    }

    /** The byte-level spelling of a symbol. */
    String symbolText(int symbol) {
        return ByteLevel.toSymbols(symbolBytes.get(symbol));
    }

    /** The most frequent pair seen at least {@code minFrequency} times, or -1 when there is none. */
    long bestPair(long minFrequency) {
        while (!queue.isEmpty()) {
            Candidate top = queue.poll();
            long current = pairCount[pairSlots.get(top.pair())];
            if (current != top.count()) {
                // Larger than queued: a fresher entry is already queued. Smaller: queue the current count.
                if (current > 0 && current < top.count()) {
                    queue.add(new Candidate(current, top.pair()));
                }
                continue;
            }
            if (current < minFrequency) {
                return -1;
            }
            if (forbiddenResults.contains(symbolText(left(top.pair())) + symbolText(right(top.pair())))) {
                continue;
            }
            return top.pair();
        }
        return -1;
    }

    /** Replaces every occurrence of the pair, left to right in each word; returns the symbol it became. */
    int merge(long pair) {
        int left = left(pair);
        int right = right(pair);
        byte[] l = symbolBytes.get(left);
        byte[] r = symbolBytes.get(right);
        byte[] joined = Arrays.copyOf(l, l.length + r.length);
        System.arraycopy(r, 0, joined, l.length, r.length);
        String text = ByteLevel.toSymbols(joined);
        int merged = symbolIds.computeIfAbsent(text, t -> {
            symbolBytes.add(joined);
            return symbolBytes.size() - 1;
        });

        int slot = pairSlots.get(pair);
        int[] candidates = where[slot];
        int candidateCount = whereSize[slot];
        where[slot] = NONE; // every occurrence disappears below, so the list is spent
        whereSize[slot] = 0;
        stamp++;
        touchedSize = 0;
        for (int k = 0; k < candidateCount; k++) {
            int w = candidates[k];
            if (wordStamp[w] == stamp) {
                continue;
            }
            wordStamp[w] = stamp;
            int[] before = words[w];
            int[] after = replace(before, left, right, merged);
            if (after == before) {
                continue; // a stale entry: an earlier merge already consumed the pair in this word
            }
            long c = wordCounts[w];
            for (int i = 0; i + 1 < before.length; i++) {
                addToPair(before[i], before[i + 1], -c, w, false);
            }
            for (int i = 0; i + 1 < after.length; i++) {
                // Only adjacencies with the new symbol are new to this word; others are already indexed.
                boolean fresh = after[i] == merged || after[i + 1] == merged;
                addToPair(after[i], after[i + 1], c, w, fresh);
            }
            words[w] = after;
        }
        for (int t = 0; t < touchedSize; t++) {
            int s = touched[t];
            if (pairCount[s] > pairBefore[s]) {
                queue.add(new Candidate(pairCount[s], pairKey[s]));
            }
        }
        return merged;
    }

    private static int[] replace(int[] symbols, int left, int right, int merged) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                if (out == null) {
                    out = new int[symbols.length - 1];
                    System.arraycopy(symbols, 0, out, 0, i);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = symbols[i];
            }
        }
        return out == null ? symbols : Arrays.copyOf(out, n);
    }

    private void addToPair(int a, int b, long delta, int word, boolean index) {
        long key = pair(a, b);
        int slot = pairSlots.get(key);
        if (slot < 0) {
            slot = newSlot(key);
        }
        if (pairStamp[slot] != stamp) {
            pairStamp[slot] = stamp;
            pairBefore[slot] = pairCount[slot];
            if (touchedSize == touched.length) {
                touched = Arrays.copyOf(touched, touchedSize * 2);
            }
            touched[touchedSize++] = slot;
        }
        pairCount[slot] += delta;
        if (index) {
            int size = whereSize[slot];
            int[] list = where[slot];
            if (size > 0 && list[size - 1] == word) {
                return;
            }
            if (size == list.length) {
                list = Arrays.copyOf(list, Math.max(4, size * 2));
                where[slot] = list;
            }
            list[size] = word;
            whereSize[slot] = size + 1;
        }
    }

    private int newSlot(long key) {
        if (slotCount == pairKey.length) {
            int capacity = slotCount * 2;
            pairKey = Arrays.copyOf(pairKey, capacity);
            pairCount = Arrays.copyOf(pairCount, capacity);
            pairBefore = Arrays.copyOf(pairBefore, capacity);
            pairStamp = Arrays.copyOf(pairStamp, capacity);
            where = Arrays.copyOf(where, capacity);
            whereSize = Arrays.copyOf(whereSize, capacity);
        }
        int slot = slotCount++;
        pairKey[slot] = key;
        where[slot] = NONE;
        pairStamp[slot] = stamp - 1;
        pairSlots.putNew(key, slot);
        return slot;
    }
}
