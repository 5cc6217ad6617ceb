package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.metrics.BertScoreConfig;
import org.pmpdrepro.metrics.BertScoreResult;
import org.pmpdrepro.metrics.Bleu;
import org.pmpdrepro.metrics.Corpus;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PrfScore;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.pmpdrepro.metrics.SacreBleu;

/**
 * A runner without a model: a cell's "decode" reproduces the first {@code quality * n} references exactly and
 * garbles the rest, so its metrics are real scores of known texts, computed in milliseconds. Back-bones outside
 * {@code wired} fail as unwired ones do in the real runner.
 */
final class FakeCellRunner implements CellRunner {

    static final RunEnvironment ENV = new RunEnvironment("cpu()", "fake 1", "model-sha", "fixtures-sha");

    private final int samples;
    private final Map<String, Double> qualityByScheduler;
    private final Set<String> wired;
    private final double variantShift;
    int runs;
    final List<Cell> planned = new ArrayList<>();
    /** The configuration this fake claims to decode on; a test sets another to take the cross-configuration path. */
    DecodeConfiguration configuration = new DecodeConfiguration("fake", "cpu()", "fake 1", "test-cpu avx2", 1, 32);
    /** Extra share of samples garbled in the main run's cells of this scheduler: a changed decode. */
    final Map<String, Double> regression = new java.util.HashMap<>();
    /** Weight bytes read per token by back-bone (1000 unless set). */
    final Map<String, Double> bytesPerToken = new java.util.HashMap<>();

    /**
     * @param qualityByScheduler share of samples decoded perfectly, by scheduler name (others get 0.5)
     * @param variantShift share of extra samples the numerical variants garble (0 = numerically exact)
     */
    FakeCellRunner(int samples, Map<String, Double> qualityByScheduler, Set<String> wired, double variantShift) {
        this.samples = samples;
        this.qualityByScheduler = qualityByScheduler;
        this.wired = wired;
        this.variantShift = variantShift;
    }

    @Override
    public void plan(List<Cell> cells) {
        planned.addAll(cells);
    }

    @Override
    public CellOutcome run(Cell cell) {
        runs++;
        return outcome(cell, regression.getOrDefault(cell.scheduler(), 0.0));
    }

    @Override
    public Variant runVariant(Cell cell, SuiteSettings.Numerics numerics) {
        return new Variant(configuration.with(numerics.intraOpThreads(), numerics.batchSize()),
                outcome(cell, variantShift));
    }

    @Override
    public RunEnvironment environment() {
        return ENV;
    }

    @Override
    public DecodeConfiguration configuration() {
        return configuration;
    }

    private CellOutcome outcome(Cell cell, double shift) {
        if (!wired.contains(cell.backbone())) {
            throw new NotImplementedException("back-bone", cell.backbone(), wired);
        }
        double q = qualityByScheduler.getOrDefault(cell.scheduler(), 0.5) - shift;
        int good = (int) Math.round(q * samples);
        List<SampleOutput> outs = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String ref = "package number " + i + " provides tools for item " + (i * 7 % 13) + " and more";
            String hyp = i < good ? ref : "some unrelated words about thing " + (i % 5);
            refs.add(ref);
            outs.add(new SampleOutput("s" + i, "prompt " + i, ref, hyp, hyp, List.of(hyp.hashCode(), hyp.length()),
                    List.of("4bit", "3bit"), true));
        }
        List<MetricResult> metrics = scores(outs.stream().map(SampleOutput::output).toList(), refs);
        return new CellOutcome(cell, "plan " + cell.scheduler(), "cpu()", "dataset reference", outs, refs, 3.5,
                bytesPerToken.getOrDefault(cell.backbone(), 1000.0),
                cell.backbone().equals("any-precision") ? 4000 : 7000, new CellOutcome.Timings(0, 0, 0, false),
                metrics);
    }

    @Override
    public List<MetricResult> score(CellOutcome outcome, List<String> hypotheses) {
        return scores(hypotheses, outcome.references());
    }

    /** Real Rouge-L, BLEU and SacreBLEU; a fake BERTScore of 1 for an exact output and 0.8 otherwise. */
    private static List<MetricResult> scores(List<String> hyps, List<String> refs) {
        Corpus corpus = Corpus.singleReference(hyps, refs);
        List<PrfScore> bert = new ArrayList<>();
        for (int i = 0; i < hyps.size(); i++) {
            bert.add(hyps.get(i).equals(refs.get(i)) ? new PrfScore(1, 1, 1) : new PrfScore(0.8, 0.8, 0.8));
        }
        double f = bert.stream().mapToDouble(PrfScore::fmeasure).average().orElseThrow();
        return List.of(Rouge.of(RougeType.ROUGE_L, true).score(corpus),
                new BertScoreResult("bertscore|fake", "fake", 0, BertScoreConfig.plain(), new PrfScore(f, f, f), bert,
                        0),
                Bleu.defaults().score(corpus), SacreBleu.defaults().score(corpus));
    }
}
