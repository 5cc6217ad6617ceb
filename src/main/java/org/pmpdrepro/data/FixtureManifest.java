package org.pmpdrepro.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.pmpdrepro.io.JsonBinding;

/**
 * What {@code manifest.json} beside the fixtures records: where the data came from, how it was
 * split and turned into tasks, and the hash of every file written.
 *
 * @param trainCorpus null when the build did not write a training corpus
 */
@JsonPropertyOrder({"generator", "generatorVersion", "commandLine", "sources", "split", "decontamination",
    "selection", "completion", "tasks", "calibrationText", "trainCorpus"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FixtureManifest(
        String generator,
        String generatorVersion,
        String commandLine,
        List<Source> sources,
        SplitInfo split,
        Decontamination decontamination,
        String selection,
        String completion,
        List<TaskEntry> tasks,
        FileEntry calibrationText,
        @JsonBinding.MayBeAbsent TrainCorpus trainCorpus) {

    public FixtureManifest {
        sources = List.copyOf(sources);
        tasks = List.copyOf(tasks);
    }

    /** The entry of one task; fails if the manifest lacks it. */
    public TaskEntry task(Task task) {
        return tasks.stream()
                .filter(t -> t.task().equals(task.id()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("manifest has no entry for task " + task.id()));
    }

    @JsonPropertyOrder({"file", "language", "sha256", "records"})
    public record Source(String file, String language, String sha256, int records) {}

    @JsonPropertyOrder({"train", "calibration", "test"})
    public record Counts(int train, int calibration, int test) {
        public int get(Split split) {
            return switch (split) {
                case TRAIN -> train;
                case CALIBRATION -> calibration;
                case TEST -> test;
            };
        }
    }

    @JsonPropertyOrder({"split", "fromBucket", "toBucketExclusive"})
    public record BucketRange(String split, int fromBucket, int toBucketExclusive) {}

    @JsonPropertyOrder({"salt", "buckets", "ranges", "familyRule", "families", "records"})
    public record SplitInfo(
            String salt, int buckets, List<BucketRange> ranges, String familyRule, Counts families, Counts records) {
        public SplitInfo {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * @param droppedRecords held-out descriptions dropped because their synopsis or first paragraph is in train
     * @param droppedParagraphPairs held-out debtrans paragraph pairs whose English paragraph is in train
     */
    @JsonPropertyOrder({"rule", "droppedRecords", "droppedParagraphPairs"})
    public record Decontamination(String rule, Counts droppedRecords, int droppedParagraphPairs) {}

    @JsonPropertyOrder({"file", "sha256", "lines"})
    public record FileEntry(String file, String sha256, long lines) {}

    /**
     * @param available examples per split after decontamination
     * @param written examples in each committed file; train counts completions in the train corpus
     */
    @JsonPropertyOrder({"task", "template", "completion", "maxNewTokens", "metrics", "scoredAgainst", "available",
        "written", "files"})
    public record TaskEntry(
            String task,
            String template,
            String completion,
            int maxNewTokens,
            List<String> metrics,
            String scoredAgainst,
            Counts available,
            Counts written,
            List<FileEntry> files) {
        public TaskEntry {
            metrics = List.copyOf(metrics);
            files = List.copyOf(files);
        }
    }

    /** The training text (not committed): one {@code {"text": ...}} line per document or completion. */
    @JsonPropertyOrder({"file", "sha256", "lines", "bytes", "shuffleSeed", "documents"})
    public record TrainCorpus(String file, String sha256, long lines, long bytes, long shuffleSeed, int documents) {}
}
