package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** The commit and date a golden row records. */
record RunStamp(String commit, String date) {

    /** {@code git rev-parse --short=12 HEAD} (with {@code +dirty} when the tree has changes), else {@code unknown}. */
    static RunStamp now() {
        String commit = git("rev-parse", "--short=12", "HEAD");
        if (commit.isEmpty()) {
            commit = "unknown";
        } else if (!git("status", "--porcelain", "--untracked-files=no").isEmpty()) {
            commit += "+dirty";
        }
        return new RunStamp(commit, LocalDate.now(ZoneOffset.UTC).toString());
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
