package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class BitPlanesTest {

    static int[] randomCodes(int n, int bits, long seed) {
        Random random = new Random(seed);
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            codes[i] = random.nextInt(1 << bits);
        }
        return codes;
    }

    @Test
    void packedCodesReadBackExactlyAcrossWordBoundaries() {
        int[] codes = randomCodes(130, 5, 1L);
        assertThat(BitPlanes.pack(codes, 5).codes(5)).containsExactly(codes);
    }

    @Test
    void theFirstBPlanesGiveTheCodeShiftedRightByTheDroppedWidth() {
        int[] codes = randomCodes(100, 6, 2L);
        BitPlanes planes = BitPlanes.pack(codes, 6);
        for (int b = 1; b < 6; b++) {
            int[] expected = new int[codes.length];
            for (int i = 0; i < codes.length; i++) {
                expected[i] = codes[i] >> (6 - b);
            }
            assertThat(planes.codes(b)).as("%d planes", b).containsExactly(expected);
            assertThat(planes.truncated(b).codes(b)).as("%d kept planes", b).containsExactly(expected);
        }
    }

    @Test
    void aSliceOfCodesIsTheSameSliceOfAllCodesAtEveryWidth() {
        int[] codes = randomCodes(300, 5, 3L);
        BitPlanes planes = BitPlanes.pack(codes, 5);
        for (int b = 1; b <= 5; b++) {
            int[] all = planes.codes(b);
            for (int from : new int[] {0, 1, 63, 64, 100, 299}) {
                int[] slice = new int[Math.min(70, 300 - from)];
                java.util.Arrays.fill(slice, -1);
                planes.codes(b, from, slice);
                assertThat(slice).as("%d planes from %d", b, from)
                        .containsExactly(java.util.Arrays.copyOfRange(all, from, from + slice.length));
            }
        }
        assertThatThrownBy(() -> planes.codes(5, 250, new int[51])).hasMessageContaining("outside the 300 stored");
    }

    @Test
    void theMostSignificantBitIsTheFirstPlane() {
        BitPlanes planes = BitPlanes.pack(new int[] {0b100, 0b011}, 3);
        assertThat(planes.plane(0)).containsExactly(0b01L);
        assertThat(planes.plane(2)).containsExactly(0b10L);
    }

    @Test
    void aCodeWiderThanThePlanesIsRefused() {
        assertThatThrownBy(() -> BitPlanes.pack(new int[] {1, 8}, 3))
                .hasMessageContaining("code 8 at index 1").hasMessageContaining("[0, 8)");
        assertThatThrownBy(() -> BitPlanes.pack(new int[] {1}, 3).codes(4)).hasMessageContaining("hold 3 planes");
    }
}
