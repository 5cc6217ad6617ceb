package org.pmpdrepro.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns one package description into the examples of each task (the same rules for every split). */
public final class TaskExtractor {

    /** debsum prompts carry at most this much description, cut at a word boundary. */
    public static final int DESCRIPTION_MAX_CHARS = 500;
    /** debtrans paragraph pairs: both sides at most this long. */
    public static final int PARAGRAPH_MAX_CHARS = 240;
    /** debchat reference (rest of the first paragraph), cut at a word boundary. */
    public static final int CONTINUATION_MAX_CHARS = 400;

    private TaskExtractor() {}

    /** Every example of every task this description yields, in task order. */
    public static List<TaskExample> examples(PackageText text, Split split) {
        List<TaskExample> out = new ArrayList<>();
        debsum(text, split).ifPresent(out::add);
        out.addAll(debtrans(text, split));
        debchat(text, split).ifPresent(out::add);
        return out;
    }

    /** English long description → synopsis; skipped without prose or with a one-word synopsis. */
    public static Optional<TaskExample> debsum(PackageText text, Split split) {
        DebianDescription en = text.english();
        String description = TextNormalizer.truncateAtWord(en.proseText(), DESCRIPTION_MAX_CHARS);
        if (description.isEmpty() || TextNormalizer.wordCount(en.synopsis()) < 2) {
            return Optional.empty();
        }
        String prompt = Task.DEBSUM.render(Map.of("package", en.packageName(), "description", description));
        return Optional.of(new TaskExample(id(Task.DEBSUM, en, ""), Task.DEBSUM, ExampleKind.DESCRIPTION, split,
                en.packageName(), en.descriptionMd5(), description, prompt, en.synopsis()));
    }

    /**
     * French → English: the synopsis pair, and short paragraph pairs when both sides have the same
     * number of paragraphs (otherwise the alignment is unknown). Untranslated text is skipped.
     */
    public static List<TaskExample> debtrans(PackageText text, Split split) {
        if (text.french().isEmpty()) {
            return List.of();
        }
        DebianDescription en = text.english();
        DebianDescription fr = text.french().get();
        List<TaskExample> out = new ArrayList<>();
        if (translated(fr.synopsis(), en.synopsis())) {
            out.add(debtransExample(en, ExampleKind.SYNOPSIS, "/synopsis", fr.synopsis(), en.synopsis(), split));
        }
        if (fr.paragraphs().size() == en.paragraphs().size()) {
            for (int i = 0; i < en.paragraphs().size(); i++) {
                Paragraph e = en.paragraphs().get(i);
                Paragraph f = fr.paragraphs().get(i);
                if (!e.verbatim() && !f.verbatim()
                        && e.text().length() <= PARAGRAPH_MAX_CHARS && f.text().length() <= PARAGRAPH_MAX_CHARS
                        && translated(f.text(), e.text())) {
                    out.add(debtransExample(en, ExampleKind.PARAGRAPH, "/p" + i, f.text(), e.text(), split));
                }
            }
        }
        return out;
    }

    /** First sentence of the first prose paragraph to be continued; the human rest is kept as context. */
    public static Optional<TaskExample> debchat(PackageText text, Split split) {
        DebianDescription en = text.english();
        if (en.paragraphs().isEmpty() || en.paragraphs().get(0).verbatim() || en.synopsis().isEmpty()) {
            return Optional.empty();
        }
        String first = en.paragraphs().get(0).text();
        int end = first.indexOf(". ");
        if (end < 0) {
            return Optional.empty();
        }
        String sentence = first.substring(0, end + 1);
        String rest = TextNormalizer.truncateAtWord(first.substring(end + 2).strip(), CONTINUATION_MAX_CHARS);
        if (TextNormalizer.wordCount(sentence) < 3 || rest.isEmpty()) {
            return Optional.empty();
        }
        String prompt = Task.DEBCHAT.render(
                Map.of("package", en.packageName(), "synopsis", en.synopsis(), "firstSentence", sentence));
        return Optional.of(new TaskExample(id(Task.DEBCHAT, en, ""), Task.DEBCHAT, ExampleKind.CONTINUATION, split,
                en.packageName(), en.descriptionMd5(), sentence, prompt, rest));
    }

    private static TaskExample debtransExample(
            DebianDescription en, ExampleKind kind, String part, String french, String english, Split split) {
        String prompt = Task.DEBTRANS.render(Map.of("package", en.packageName(), "source", french));
        return new TaskExample(id(Task.DEBTRANS, en, part), Task.DEBTRANS, kind, split, en.packageName(),
                en.descriptionMd5(), french, prompt, english);
    }

    private static boolean translated(String french, String english) {
        return !french.isEmpty() && !english.isEmpty()
                && !french.toLowerCase(Locale.ROOT).equals(english.toLowerCase(Locale.ROOT));
    }

    static String id(Task task, DebianDescription en, String part) {
        return task.id() + "/" + en.packageName() + "/" + en.shortMd5() + part;
    }
}
