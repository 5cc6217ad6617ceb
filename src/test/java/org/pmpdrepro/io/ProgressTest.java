package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One progress line for every long job: done of total, elapsed, an ETA from the rate so far, logged when due. */
@Tag("unit")
class ProgressTest {

    final List<String> lines = new ArrayList<>();
    long now;

    Progress job(long total) {
        now = 0;
        return Progress.of(lines::add, "fisher", total, "blocks").timedBy(() -> now);
    }

    @Test
    void aLineSaysDoneOfTotalElapsedAndTheEtaAtTheRateSoFar() {
        Progress p = job(10);
        now = 20_000_000_000L;
        p.advance(2, () -> "block 9 done");
        now = 30_000_000_000L;
        p.advance(3);

        assertThat(lines).containsExactly("fisher: 2/10 blocks (20%), 20 s elapsed, ETA 1m20s; block 9 done",
                "fisher: 5/10 blocks (50%), 30 s elapsed, ETA 30 s");
        assertThat(p.etaSeconds()).isEqualTo(30.0);
    }

    @Test
    void withAnIntervalItLogsOncePerIntervalAndAlwaysAtTheEnd() {
        Progress p = job(4).every(Duration.ofSeconds(30));
        for (int i = 1; i <= 4; i++) {
            now = i * 10_000_000_000L;
            p.advance(1);
        }

        assertThat(lines).containsExactly("fisher: 3/4 blocks (75%), 30 s elapsed, ETA 10 s",
                "fisher: 4/4 blocks (100%), 40 s elapsed, done");
    }

    @Test
    void aResumedJobCountsOnlyTheWorkDoneSinceInTheRate() {
        Progress p = job(100).resumingAt(60);
        now = 40_000_000_000L;
        p.advanceTo(80, () -> "");

        assertThat(p.etaSeconds()).as("20 units took 40 s; 20 remain").isEqualTo(40.0);
        assertThat(lines).containsExactly("fisher: 80/100 blocks (80%), 40 s elapsed, ETA 40 s");
        assertThat(job(10).etaSeconds()).as("nothing done yet").isNaN();
    }

    @Test
    void durationsReadAsSecondsMinutesOrHoursAndBadTotalsAreRefused() {
        assertThat(Progress.duration(42.4)).isEqualTo("42 s");
        assertThat(Progress.duration(185)).isEqualTo("3m05s");
        assertThat(Progress.duration(7620)).isEqualTo("2h07m");
        assertThat(Progress.duration(Double.NaN)).isEqualTo("?");
        assertThatThrownBy(() -> Progress.of(lines::add, "x", -1, "units")).hasMessageContaining("total -1");
        assertThatThrownBy(() -> job(5).resumingAt(6)).hasMessageContaining("resumed at 6 of 5");
    }
}
