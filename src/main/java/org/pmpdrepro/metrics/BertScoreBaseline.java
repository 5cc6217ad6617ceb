package org.pmpdrepro.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * BERTScore's baseline for rescaling: the expected precision, recall and F1 of unrelated text pairs for
 * one encoder layer. A score {@code x} is rescaled to {@code (x - b) / (1 - b)}, separately for P, R and F,
 * which spreads the encoder's narrow band of raw cosines over a readable range (unrelated text near 0).
 *
 * <p>Baseline files are CSV with the header {@code encoder,layer,P,R,F}. The built-in file
 * ({@value #BUILT_IN}) documents in its README how its rows were measured.
 */
public record BertScoreBaseline(String encoder, int layer, double precision, double recall, double f1, String source) {

    public static final String BUILT_IN = "/org/pmpdrepro/metrics/bertscore-baselines.csv";

    public BertScoreBaseline {
        for (double b : new double[] {precision, recall, f1}) {
            if (!(b < 1) || Double.isNaN(b)) {
                throw new IllegalArgumentException(source + ": baseline for " + encoder + " layer " + layer
                        + " must be below 1 (it divides by 1 - b), got " + b);
            }
        }
    }

    public PrfScore rescale(PrfScore s) {
        return new PrfScore((s.precision() - precision) / (1 - precision), (s.recall() - recall) / (1 - recall),
                (s.fmeasure() - f1) / (1 - f1));
    }

    /** Reads every row of a baseline file; errors name the file, line and column. */
    public static List<BertScoreBaseline> read(Path csv) {
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return parse(r, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BERTScore baseline file " + csv + ": " + e.getMessage(), e);
        }
    }

    /** The row for an encoder layer in a baseline file. */
    public static BertScoreBaseline read(Path csv, String encoder, int layer) {
        return find(read(csv), encoder, layer)
                .orElseThrow(() -> new IllegalArgumentException(csv + ": no baseline row for encoder " + encoder
                        + " layer " + layer));
    }

    /** The project's built-in baseline for an encoder layer, if it has one. */
    public static Optional<BertScoreBaseline> builtIn(String encoder, int layer) {
        try (InputStream in = BertScoreBaseline.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("class path resource " + BUILT_IN + " is missing");
            }
            return find(parse(new InputStreamReader(in, StandardCharsets.UTF_8), "classpath:" + BUILT_IN), encoder, layer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILT_IN + ": " + e.getMessage(), e);
        }
    }

    private static Optional<BertScoreBaseline> find(List<BertScoreBaseline> rows, String encoder, int layer) {
        return rows.stream().filter(b -> b.encoder.equals(encoder) && b.layer == layer).findFirst();
    }

    private static List<BertScoreBaseline> parse(Reader reader, String source) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setCommentMarker('#')
                .setIgnoreSurroundingSpaces(true).get();
        List<BertScoreBaseline> rows = new ArrayList<>();
        var parser = format.parse(reader);
        for (String col : List.of("encoder", "layer", "P", "R", "F")) {
            if (!parser.getHeaderMap().containsKey(col)) {
                throw new IllegalArgumentException(source + ": header " + parser.getHeaderNames()
                        + " lacks column '" + col + "'; expected encoder,layer,P,R,F");
            }
        }
        for (CSVRecord rec : parser) {
            String where = source + " line " + rec.getParser().getCurrentLineNumber();
            rows.add(new BertScoreBaseline(rec.get("encoder"), (int) number(rec, "layer", where),
                    number(rec, "P", where), number(rec, "R", where), number(rec, "F", where), where));
        }
        return rows;
    }

    private static double number(CSVRecord rec, String column, String where) {
        String v = rec.get(column);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ", column " + column + ": '" + v + "' is not a number", e);
        }
    }
}
