package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@Tag("unit")
class VersionTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--version", "decode --version", "score --version"})
    void versionPrintsTheProjectVersionOnEveryCommand(String args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(args.split(" "));
        assertThat(code).isZero();
        assertThat(out.toString()).matches("(?s)pmpd-repro \\d+\\.\\d+\\.\\d+\\S* \\(built with JDK \\S+\\)\\R"
                + "runtime: .+");
    }
}
