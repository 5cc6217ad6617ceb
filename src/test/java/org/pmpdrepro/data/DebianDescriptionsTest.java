package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class DebianDescriptionsTest {

    static final Path SAMPLE = Path.of("src", "test", "resources", "debian-sample");
    static final String MD5 = "0123456789abcdef0123456789abcdef";

    static List<DebianDescription> parse(String text) throws IOException {
        return DebianDescriptions.parse(new BufferedReader(new StringReader(text)), "t.txt");
    }

    @Test
    @DisplayName("a line holding only ' .' separates paragraphs and continuation lines join with a space")
    void paragraphsSplitAtDotLines() throws IOException {
        List<DebianDescription> d = parse("""
                Package: curl
                Description-md5: %s
                Description-en: command line tool for transferring data
                 curl is a command line tool
                 for transferring data.
                 .
                 It supports SSL.

                Package: wget
                Description-md5: %s
                Description-en: retrieves files from the web
                """.formatted(MD5, MD5));
        assertThat(d).hasSize(2);
        DebianDescription curl = d.get(0);
        assertThat(curl.packageName()).isEqualTo("curl");
        assertThat(curl.language()).isEqualTo("en");
        assertThat(curl.descriptionMd5()).isEqualTo(MD5);
        assertThat(curl.synopsis()).isEqualTo("command line tool for transferring data");
        assertThat(curl.paragraphs()).containsExactly(
                new Paragraph("curl is a command line tool for transferring data.", false),
                new Paragraph("It supports SSL.", false));
        assertThat(curl.line()).isEqualTo(1);
        assertThat(d.get(1).paragraphs()).isEmpty();
        assertThat(d.get(1).line()).isEqualTo(9);
    }

    @Test
    @DisplayName("lines indented by two spaces mark a verbatim paragraph whose lines stay apart")
    void verbatimParagraphsKeepLines() throws IOException {
        DebianDescription d = parse("""
                Package: x
                Description-md5: %s
                Description-en: a tool
                 Features:
                   * fast
                   * small
                 .
                 The end.
                """.formatted(MD5)).get(0);
        assertThat(d.paragraphs()).containsExactly(
                new Paragraph("Features:\n* fast\n* small", true), new Paragraph("The end.", false));
        assertThat(d.proseText()).isEqualTo("The end.");
        assertThat(d.document()).isEqualTo("Package: x\nSynopsis: a tool\nDescription: Features:\n* fast\n* small\nThe end.");
    }

    @Test
    @DisplayName("a continuation line that normalises to nothing separates paragraphs like ' .'")
    void blankishContinuationSeparates() throws IOException {
        DebianDescription d = parse("Package: x\nDescription-md5: " + MD5 + "\nDescription-fr: outil\n Un.\n \u00A0\n Deux.\n")
                .get(0);
        assertThat(d.paragraphs()).extracting(Paragraph::text).containsExactly("Un.", "Deux.");
    }

    @Test
    @DisplayName("narrow no-break spaces and NFKC compatibility forms are normalised while parsing")
    void textIsNormalised() throws IOException {
        DebianDescription d = parse("Package: x\nDescription-md5: " + MD5
                + "\nDescription-fr: outil\u202F: \uFB01chiers\n Texte\u00A0 avec   espaces\u202F!\n").get(0);
        assertThat(d.synopsis()).isEqualTo("outil : fichiers");
        assertThat(d.paragraphs().get(0).text()).isEqualTo("Texte avec espaces !");
    }

    @Test
    @DisplayName("a field line without a colon is reported with file and line number")
    void fieldWithoutColon() {
        assertThatThrownBy(() -> parse("Package: x\nDescription-md5 " + MD5 + "\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:2: ")
                .hasMessageContaining("expected a field line");
    }

    @Test
    @DisplayName("a continuation line before any field is reported with its line number")
    void continuationFirst() {
        assertThatThrownBy(() -> parse("Package: x\nDescription-md5: " + MD5 + "\nDescription-en: a\n\n stray\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:5: ")
                .hasMessageContaining("continuation line before any field");
    }

    @Test
    @DisplayName("a paragraph without Package or Description is reported at its first line")
    void missingFields() {
        assertThatThrownBy(() -> parse("Package: a\nDescription-md5: " + MD5 + "\nDescription-en: s\n\n"
                        + "Description-md5: " + MD5 + "\nDescription-en: s\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:5: ")
                .hasMessageContaining("has no Package field");
        assertThatThrownBy(() -> parse("Package: a\nDescription-md5: " + MD5 + "\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:1: ")
                .hasMessageContaining("package 'a' has no Description-xx field");
    }

    @Test
    @DisplayName("a malformed md5 or a repeated field is rejected with the offending value")
    void badMd5AndRepeatedField() {
        assertThatThrownBy(() -> parse("Package: a\nDescription-md5: XYZ\nDescription-en: s\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:2: ")
                .hasMessageContaining("'XYZ'");
        assertThatThrownBy(() -> parse("Package: a\nPackage: b\n"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("t.txt:2: ")
                .hasMessageContaining("repeated");
    }

    @Test
    @DisplayName("the lz4 sample and its plain copy read to the same records")
    void lz4AndPlainAgree() {
        List<DebianDescription> lz4 = DebianDescriptions.read(SAMPLE.resolve("bookworm-main-Translation-fr.lz4"));
        List<DebianDescription> plain = DebianDescriptions.read(SAMPLE.resolve("Translation-fr.txt"));
        assertThat(lz4).hasSize(339).isEqualTo(plain);
        assertThat(lz4).allSatisfy(d -> assertThat(d.language()).isEqualTo("fr"));
    }

    @Test
    @DisplayName("every English paragraph of the sample is read, with linked blocks and checksums")
    void englishSampleReads() {
        List<DebianDescription> en = DebianDescriptions.read(SAMPLE.resolve("bookworm-main-Translation-en.lz4"));
        assertThat(en).hasSize(494);
        assertThat(en).filteredOn(d -> d.packageName().equals("linux-cpupower")).hasSize(2);
        assertThat(en).anySatisfy(d -> assertThat(d.paragraphs()).anyMatch(Paragraph::verbatim));
    }
}
