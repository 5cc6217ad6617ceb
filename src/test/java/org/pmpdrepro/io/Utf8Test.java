package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class Utf8Test {

    @Test
    @DisplayName("UTF-8 decodes as it is, a byte-order mark and all")
    void wellFormedText() throws Exception {
        String text = "\uFEFFélan — 漢字\n𝄞\r\n";
        assertThat(Utf8.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @Test
    @DisplayName("the first byte that is not UTF-8 is named by offset, line and value")
    void malformedByte() {
        byte[] bytes = "ok\nsecond \u00e9 line".getBytes(StandardCharsets.UTF_8);
        bytes[10] = (byte) 0xFF;
        assertThatThrownBy(() -> Utf8.decode(bytes)).isInstanceOfSatisfying(Utf8.MalformedException.class, e -> {
            assertThat(e.offset()).isEqualTo(10);
            assertThat(e.line()).isEqualTo(2);
            assertThat(e).hasMessage("not valid UTF-8 at byte offset 10 (line 2): byte 0xFF; re-encode the file as"
                    + " UTF-8");
        });
    }

    @Test
    @DisplayName("a multi-byte sequence cut short by the end of the input is malformed where it starts")
    void truncatedSequence() {
        assertThatThrownBy(() -> Utf8.decode(new byte[] {'a', (byte) 0xE6, (byte) 0xBC}))
                .isInstanceOfSatisfying(Utf8.MalformedException.class, e -> assertThat(e.offset()).isEqualTo(1));
    }
}
