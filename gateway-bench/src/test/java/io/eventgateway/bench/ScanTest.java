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

    @Test
    void aNumbersDigitsAreCountedAsItIsWritten() {
        SplittableRandom random = new SplittableRandom(7);
        for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10; power *= 10) {
            for (long value : new long[] {power - 1, power, power + 1, power * 10 - 1}) {
                assertThat(Scan.digits(value)).as("%d", value).isEqualTo(Long.toString(value).length());
            }
        }
        for (int i = 0; i < 100_000; i++) {
            long value = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            assertThat(Scan.digits(value)).as("%d", value).isEqualTo(Long.toString(value).length());
        }
        assertThat(Scan.digits(Long.MAX_VALUE)).isEqualTo(19);
    }

    @Test
    void aPrefixMatchesOnlyWhereItStandsWhole() {
        byte[] b = bytes("{\"type\":\"event\"");
        assertThat(Scan.startsWith(b, 0, b.length, bytes("{\"type\":"))).isTrue();
        assertThat(Scan.startsWith(b, 9, b.length, bytes("event\""))).isTrue();
        assertThat(Scan.startsWith(b, 9, b.length - 1, bytes("event\""))).as("cut by end").isFalse();
        assertThat(Scan.startsWith(b, 9, b.length, bytes("evenT\""))).isFalse();
        assertThat(Scan.startsWith(b, -1, b.length, bytes("{"))).as("no position").isFalse();
    }
}
