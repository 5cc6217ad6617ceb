package org.pmpdrepro.quant.methods;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SortedSet;

/**
 * The rows of {@code pmpd quant-table} ({@link PerplexityTabulation}) and their markdown and CSV forms.
 *
 * @param provenance lines saying what the numbers were computed from, printed above the markdown table
 * @param residentSets the precision sets whose resident bytes are reported
 * @param rows one per method and precision, full precision first
 */
public record PerplexityTable(List<String> provenance, List<SortedSet<Integer>> residentSets, List<Row> rows) {

    public PerplexityTable {
        provenance = List.copyOf(provenance);
        residentSets = List.copyOf(residentSets);
        rows = List.copyOf(rows);
    }

    /**
     * One method at one precision.
     *
     * @param method quantization method, or {@code "full"}
     * @param precision {@code "full"} or the bit-width
     * @param readBytesPerToken weight bytes of the quantized matrices read per decoded token: packed codes and side
     *     tables
     * @param tableBytesPerToken the side-table part of it (centroids, scales, offsets, group indices)
     * @param effectiveBits bits read per quantized weight: {@code readBytesPerToken x 8 / weights}
     * @param resident for each of the table's resident sets, bytes that must be resident to serve it (empty where the
     *     method does not serve the set, and for full precision)
     */
    public record Row(String method, String precision, double calibrationPerplexity, double testPerplexity,
            long readBytesPerToken, long tableBytesPerToken, double effectiveBits, List<OptionalLong> resident) {
        public Row {
            resident = List.copyOf(resident);
        }
    }

    static String setLabel(SortedSet<Integer> set) {
        List<String> parts = new ArrayList<>();
        for (int b : set.reversed()) {
            parts.add(Integer.toString(b));
        }
        return "{" + String.join(",", parts) + "}";
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("# Perplexity of the quantization back-bones\n\n");
        for (String line : provenance) {
            sb.append("- ").append(line).append('\n');
        }
        sb.append("\n| method | precision | calibration ppl | test ppl | bytes read / token | of which tables |"
                + " effective bits |");
        for (SortedSet<Integer> s : residentSets) {
            sb.append(" resident bytes ").append(setLabel(s)).append(" |");
        }
        sb.append("\n|---|---|---:|---:|---:|---:|---:|");
        sb.append("---:|".repeat(residentSets.size())).append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %,d | %,d | %.3f |", r.method(),
                    r.precision(), r.calibrationPerplexity(), r.testPerplexity(), r.readBytesPerToken(),
                    r.tableBytesPerToken(), r.effectiveBits()));
            for (OptionalLong v : r.resident()) {
                sb.append(v.isPresent() ? String.format(Locale.ROOT, " %,d |", v.getAsLong()) : " — |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder("method,precision,calibration_ppl,test_ppl,read_bytes_per_token,"
                + "table_bytes_per_token,effective_bits");
        for (SortedSet<Integer> s : residentSets) {
            sb.append(",resident_bytes_").append(String.join("_", setLabel(s).replaceAll("[{}]", "").split(",")));
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%d,%d,%.6f", r.method(), r.precision(),
                    r.calibrationPerplexity(), r.testPerplexity(), r.readBytesPerToken(), r.tableBytesPerToken(),
                    r.effectiveBits()));
            for (OptionalLong v : r.resident()) {
                sb.append(',').append(v.isPresent() ? Long.toString(v.getAsLong()) : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
