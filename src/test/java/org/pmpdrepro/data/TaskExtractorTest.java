package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TaskExtractorTest {

    private static final String MD5 = "d943033bedada21853d2ae54a2578a7b";

    private static DebianDescription en(String synopsis, Paragraph... paragraphs) {
        return new DebianDescription("0ad", MD5, "en", synopsis, List.of(paragraphs), 1);
    }

    private static DebianDescription fr(String synopsis, Paragraph... paragraphs) {
        return new DebianDescription("0ad", MD5, "fr", synopsis, List.of(paragraphs), 1);
    }

    private static Paragraph p(String text) {
        return new Paragraph(text, false);
    }

    @Test
    @DisplayName("debsum renders the template with prose paragraphs joined by spaces and the synopsis as reference")
    void debsumPrompt() {
        PackageText t = new PackageText(en("real-time strategy game",
                p("0 A.D. is a game."), new Paragraph("* list", true), p("It is free.")), Optional.empty());
        TaskExample e = TaskExtractor.debsum(t, Split.TEST).orElseThrow();
        assertThat(e.prompt()).isEqualTo("Package: 0ad\nDescription: 0 A.D. is a game. It is free.\nSynopsis:");
        assertThat(e.reference()).isEqualTo("real-time strategy game");
        assertThat(e.id()).isEqualTo("debsum/0ad/d943033b");
        assertThat(e.completion()).isEqualTo(e.prompt() + " real-time strategy game");
    }

    @Test
    @DisplayName("debsum descriptions are cut at a word boundary to at most 500 characters")
    void debsumTruncates() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            words.add("word" + i);
        }
        PackageText t = new PackageText(en("a game", p(String.join(" ", words))), Optional.empty());
        String description = TaskExtractor.debsum(t, Split.TRAIN).orElseThrow().source();
        assertThat(description.length()).isLessThanOrEqualTo(500);
        assertThat(String.join(" ", words)).startsWith(description + " ");
    }

    @Test
    @DisplayName("debsum skips one-word synopses and descriptions without prose")
    void debsumSkips() {
        assertThat(TaskExtractor.debsum(new PackageText(en("game", p("Text.")), Optional.empty()), Split.TEST))
                .isEmpty();
        assertThat(TaskExtractor.debsum(
                        new PackageText(en("a game", new Paragraph("* a\n* b", true)), Optional.empty()), Split.TEST))
                .isEmpty();
    }

    @Test
    @DisplayName("debtrans pairs synopses, and paragraphs only when both sides have as many paragraphs")
    void debtransPairs() {
        PackageText same = new PackageText(en("strategy game", p("A game."), p("Free.")),
                Optional.of(fr("jeu de strat\u00E9gie", p("Un jeu."), p("Libre."))));
        assertThat(TaskExtractor.debtrans(same, Split.TEST))
                .extracting(TaskExample::id, TaskExample::kind, TaskExample::source, TaskExample::reference)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("debtrans/0ad/d943033b/synopsis", ExampleKind.SYNOPSIS,
                                "jeu de strat\u00E9gie", "strategy game"),
                        org.assertj.core.groups.Tuple.tuple("debtrans/0ad/d943033b/p0", ExampleKind.PARAGRAPH,
                                "Un jeu.", "A game."),
                        org.assertj.core.groups.Tuple.tuple("debtrans/0ad/d943033b/p1", ExampleKind.PARAGRAPH,
                                "Libre.", "Free."));
        PackageText differentCounts = new PackageText(en("strategy game", p("A game."), p("Free.")),
                Optional.of(fr("jeu de strat\u00E9gie", p("Un jeu libre."))));
        assertThat(TaskExtractor.debtrans(differentCounts, Split.TEST)).extracting(TaskExample::kind)
                .containsExactly(ExampleKind.SYNOPSIS);
        assertThat(TaskExtractor.debtrans(same, Split.TEST).get(0).prompt())
                .isEqualTo("Package: 0ad\nFrench: jeu de strat\u00E9gie\nEnglish:");
    }

    @Test
    @DisplayName("debtrans skips untranslated text and paragraphs over 240 characters")
    void debtransSkips() {
        String longText = "x".repeat(241);
        PackageText t = new PackageText(en("Qt5 tools", p(longText), p("Same.")),
                Optional.of(fr("qt5 tools", p(longText), p("Same."))));
        assertThat(TaskExtractor.debtrans(t, Split.TEST)).isEmpty();
        assertThat(TaskExtractor.debtrans(new PackageText(en("a b", p("c")), Optional.empty()), Split.TEST)).isEmpty();
    }

    @Test
    @DisplayName("debchat continues the first sentence; the rest of the first paragraph is the context reference")
    void debchat() {
        PackageText t = new PackageText(
                en("real-time strategy game", p("This is a free game of ancient warfare. It runs on Linux."), p("More.")),
                Optional.empty());
        TaskExample e = TaskExtractor.debchat(t, Split.CALIBRATION).orElseThrow();
        assertThat(e.prompt()).isEqualTo("Package: 0ad\nSynopsis: real-time strategy game\n"
                + "Description: This is a free game of ancient warfare.");
        assertThat(e.reference()).isEqualTo("It runs on Linux.");
        assertThat(e.split()).isEqualTo(Split.CALIBRATION);
        PackageText oneSentence = new PackageText(en("a game", p("Only one sentence here.")), Optional.empty());
        assertThat(TaskExtractor.debchat(oneSentence, Split.TEST)).isEmpty();
        // the split is the plain ". " rule: an abbreviation gives a fragment under three words, skipped
        PackageText abbreviation = new PackageText(en("a game", p("0 A.D. is a game. It is free.")), Optional.empty());
        assertThat(TaskExtractor.debchat(abbreviation, Split.TEST)).isEmpty();
    }
}
