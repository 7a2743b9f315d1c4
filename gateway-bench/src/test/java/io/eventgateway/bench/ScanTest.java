package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScanTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theEightBytesAtATimeSearchAgreesWithAByteByByteOneEverywhere() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] alphabet = bytes("xx\"\\ab{}é");
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                // Mostly plain bytes, so that matches fall at every offset of a word, or nowhere.
                b[i] = random.nextInt(6) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'x';
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int expected = b.length;
            for (int i = from; i < b.length; i++) {
                if (b[i] == '"' || b[i] == '\\') {
                    expected = i;
                    break;
                }
            }
            assertThat(Scan.quoteOrBackslash(b, from, b.length)).as("in %s from %d", new String(b,
                StandardCharsets.UTF_8), from).isEqualTo(expected);
        }
    }

    @Test
    void aValueEndsAtItsOwnClosingBracketWhateverItsStringsHold() {
        String value = "{\"a\":[1,{\"b\":\"}]\\\\\\\"x\"},\"q\\\"{\"],\"pad\":\"" + "y".repeat(100) + "\"}";
        byte[] b = bytes(value + ",{\"next\":1}");
        assertThat(Scan.valueEnd(b, 0, b.length)).isEqualTo(value.length());
        assertThat(Scan.valueEnd(b, value.length() + 1, b.length)).isEqualTo(b.length);
        byte[] cut = bytes("{\"a\":\"unfinished}");
        assertThat(Scan.valueEnd(cut, 0, cut.length)).isEqualTo(-1);
    }
}
