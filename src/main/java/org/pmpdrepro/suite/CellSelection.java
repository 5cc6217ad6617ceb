package org.pmpdrepro.suite;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.io.Hashes;

/**
 * Which cells a run holds: filters on task, back-bone, scheduler, precision pair and ablation (each a
 * comma-separated list; absent = all), and a shard {@code i/n} that keeps the cells whose {@link Cell#shardKey()}
 * hashes to {@code i}. The hash is the first 8 bytes of SHA-256, so shards are the same on every JVM and machine.
 */
public record CellSelection(Set<String> tasks, Set<String> backbones, Set<String> schedulers, Set<String> pairs,
        Set<String> ablations, int shard, int shards) {

    public CellSelection {
        tasks = Set.copyOf(tasks);
        backbones = Set.copyOf(backbones);
        schedulers = Set.copyOf(schedulers);
        pairs = Set.copyOf(pairs);
        ablations = Set.copyOf(ablations);
        if (shards < 1 || shard < 1 || shard > shards) {
            throw new IllegalArgumentException("shard " + shard + "/" + shards + ": expected i/n with 1 <= i <= n");
        }
    }

    public static CellSelection all() {
        return new CellSelection(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), 1, 1);
    }

    /** From {@code pmpd.task}, {@code pmpd.backbone}, {@code pmpd.scheduler}, {@code pmpd.pair}, {@code pmpd.ablation}, {@code pmpd.shard}. */
    public static CellSelection fromProperties(Properties p) {
        int[] shard = parseShard(p.getProperty("pmpd.shard", "1/1"));
        return new CellSelection(list(p, "pmpd.task"), list(p, "pmpd.backbone"), list(p, "pmpd.scheduler"),
                pairs(list(p, "pmpd.pair")), list(p, "pmpd.ablation"), shard[0], shard[1]);
    }

    /** Pairs in the form cells spell them ({@code 4>3}), so {@code -Dpmpd.pair=4-3} selects them too. */
    private static Set<String> pairs(Set<String> given) {
        Set<String> out = new java.util.HashSet<>();
        for (String g : given) {
            try {
                out.add(BitWidthPair.parse(g).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pmpd.pair: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Set<String> list(Properties p, String key) {
        String v = p.getProperty(key, "");
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    static int[] parseShard(String text) {
        String[] parts = text.strip().split("/");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
            }
        } catch (NumberFormatException e) {
            // fall through to the error below, which shows the expected form
        }
        throw new IllegalArgumentException("pmpd.shard '" + text + "': expected i/n such as 2/4");
    }

    public boolean accepts(Cell c) {
        return matches(tasks, c.task().id()) && matches(backbones, c.backbone())
                && matches(schedulers, c.scheduler()) && matches(pairs, c.pair().toString())
                && matches(ablations, c.ablation().id()) && inShard(c.shardKey());
    }

    /** A comparison is selected when both its arms are. */
    public boolean accepts(Comparison c) {
        return accepts(c.baseline()) && accepts(c.system());
    }

    public List<Cell> select(List<Cell> cells) {
        return cells.stream().filter(this::accepts).toList();
    }

    /** Whether {@code key} falls in this selection's shard. */
    public boolean inShard(String key) {
        if (shards == 1) {
            return true;
        }
        long h = ByteBuffer.wrap(Hashes.sha256(key)).getLong();
        return Math.floorMod(h, shards) == shard - 1;
    }

    private static boolean matches(Set<String> wanted, String value) {
        return wanted.isEmpty() || wanted.contains(value.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code pmpd.ablation} names ablations and not this one: the ablation is deliberately left out. */
    public boolean excludes(Ablation ablation) {
        return !ablations.isEmpty() && !ablations.contains(ablation.id());
    }

    /** The selectors that are set, as the properties that set them ({@code pmpd.task=debsum, pmpd.pair=4>3}). */
    public String describe() {
        List<String> parts = new java.util.ArrayList<>();
        describe(parts, "pmpd.ablation", ablations);
        describe(parts, "pmpd.task", tasks);
        describe(parts, "pmpd.backbone", backbones);
        describe(parts, "pmpd.pair", pairs);
        describe(parts, "pmpd.scheduler", schedulers);
        if (shards > 1) {
            parts.add("pmpd.shard=" + shard + "/" + shards);
        }
        return parts.isEmpty() ? "no selectors" : String.join(", ", parts);
    }

    private static void describe(List<String> parts, String property, Set<String> values) {
        if (!values.isEmpty()) {
            parts.add(property + "=" + String.join(",", new java.util.TreeSet<>(values)));
        }
    }

    /**
     * Why this selection runs nothing of {@code ablation}: the selectors set, the valid values of each selector in
     * the ablation's grid, and how many cells the selection picks elsewhere.
     */
    public String noMatchMessage(Grid grid, Ablation ablation) {
        List<Cell> cells = grid.of(ablation);
        int elsewhere = select(grid.cells()).size();
        return "the selection (" + describe() + ") matches no cell of " + ablation.id() + " (" + ablation.testClass()
                + ")" + (elsewhere > 0 ? ", though " + elsewhere + " cells of other ablations; add -Dpmpd.ablation"
                        + " or -Dit.test to run only those" : "") + ". Valid values in " + Grid.DEFAULT_FILE + ": "
                + "pmpd.task=" + values(cells, c -> c.task().id())
                + "; pmpd.backbone=" + values(cells, Cell::backbone)
                + "; pmpd.pair=" + values(cells, c -> c.pair().toString())
                + "; pmpd.scheduler=" + values(cells, Cell::scheduler)
                + "; pmpd.ablation=" + values(grid.cells(), c -> c.ablation().id())
                + "; pmpd.shard=i/n with 1 <= i <= n (each a comma-separated list, absent = all)";
    }

    private static String values(List<Cell> cells, java.util.function.Function<Cell, String> field) {
        return String.join(",", cells.stream().map(field).distinct().toList());
    }
}
