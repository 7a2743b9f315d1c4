package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte-level scanning of received frames. The load generator reads only the few fields it needs from each frame,
 * by position, without a JSON parser: at 300,000 deliveries/s a tree parse per frame would make the generator,
 * not the gateway, the bottleneck. A frame's head is copied once into a per-thread array ({@link #head}) and
 * scanned there, which avoids a bounds check per byte on the {@link ByteBuf}.
 */
final class Scan {

    /** Bytes of a frame's head that are scanned: every field the bench reads comes before the event's pad. */
    static final int HEAD_BYTES = 512;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[HEAD_BYTES]);

    private Scan() {
    }

    /**
     * Copies the first {@link #HEAD_BYTES} bytes (or fewer) of a buffer into this thread's scratch array.
     *
     * @param buf the frame's content; its indexes are not changed
     * @return the scratch array; valid up to {@link #headLength(ByteBuf)} until the next call on this thread
     */
    static byte[] head(ByteBuf buf) {
        byte[] scratch = SCRATCH.get();
        buf.getBytes(buf.readerIndex(), scratch, 0, headLength(buf));
        return scratch;
    }

    static int headLength(ByteBuf buf) {
        return Math.min(HEAD_BYTES, buf.readableBytes());
    }

    /**
     * The end of the JSON object or array that starts at {@code at}: the index just after its closing bracket,
     * skipping strings (and the escapes in them) on the way.
     *
     * @param b the bytes
     * @param at where the value's opening bracket is
     * @param end the end of what may be read
     * @return the index after the value, or -1 when it does not end before {@code end}
     */
    static int valueEnd(byte[] b, int at, int end) {
        int depth = 0;
        for (int i = at; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                i = closingQuote(b, i + 1, end);
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The index of the quote that closes a string whose content starts at {@code from}, escapes skipped, eight bytes
     * at a time; {@code end} or more when the string does not end before {@code end}.
     */
    static int closingQuote(byte[] b, int from, int end) {
        int i = quoteOrBackslash(b, from, end);
        while (i < end && b[i] == '\\') {
            i = quoteOrBackslash(b, i + 2, end);
        }
        return i;
    }

    /**
     * The index of the first {@code "} or {@code \\} in {@code b[from, end)}, or {@code end}: eight bytes per step
     * (a zero-byte test on the word XOR each character, SWAR), since the bench's events are mostly one long string.
     * The lowest flagged byte of that test is always a true match; only bytes above a match may be flagged falsely.
     */
    static int quoteOrBackslash(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(b, i);
            long quotes = word ^ QUOTES;
            long backslashes = word ^ BACKSLASHES;
            long found = ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '"' || b[i] == '\\') {
                return i;
            }
        }
        return end;
    }

    /** Whether {@code b} holds {@code prefix} at {@code at} (compared whole, by the JDK's vectorized mismatch). */
    static boolean startsWith(byte[] b, int at, int end, byte[] prefix) {
        return at >= 0 && end - at >= prefix.length && Arrays.equals(b, at, at + prefix.length, prefix, 0,
            prefix.length);
    }

    /** The index of the first {@code needle} in {@code b[from, end)}, or -1. */
    static int indexOf(byte[] b, int from, int end, byte[] needle) {
        byte first = needle[0];
        int last = end - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The index just after the first {@code key} in {@code b[from, end)}, or -1. */
    static int after(byte[] b, int from, int end, byte[] key) {
        int at = indexOf(b, from, end, key);
        return at < 0 ? -1 : at + key.length;
    }

    /**
     * The integer written at {@code at} (an optional minus sign, then digits).
     *
     * @return the value, or {@link Long#MIN_VALUE} when there is no digit at {@code at}
     */
    static long number(byte[] b, int at, int end) {
        if (at < 0 || at >= end) {
            return Long.MIN_VALUE;
        }
        boolean negative = b[at] == '-';
        int i = negative ? at + 1 : at;
        long value = 0;
        int start = i;
        for (; i < end; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        if (i == start) {
            return Long.MIN_VALUE;
        }
        return negative ? -value : value;
    }

    /**
     * How many decimal digits {@code value} has when written without leading zeros: where a number just read with
     * {@link #number} ends, without walking its digits a second time.
     *
     * @param value a value of at least 0
     */
    static int digits(long value) {
        if (value < 10) {
            return 1;
        }
        // log10(2) is about 1233 / 4096: the digits of the highest power of two below value, give or take one.
        int guess = (64 - Long.numberOfLeadingZeros(value)) * 1233 >>> 12;
        return value >= POWERS_OF_TEN[guess] ? guess + 1 : guess;
    }

    /** The integer after {@code key} in {@code b[from, end)}, or {@link Long#MIN_VALUE}. */
    static long numberAfter(byte[] b, int from, int end, byte[] key) {
        int at = after(b, from, end, key);
        return at < 0 ? Long.MIN_VALUE : number(b, at, end);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The last integer in a text such as {@code {"seqs":[1,2,3]}}: the highest seq of a batch answer. */
    static long lastNumber(String text) {
        int end = text.length() - 1;
        while (end >= 0 && !Character.isDigit(text.charAt(end))) {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isDigit(text.charAt(start - 1))) {
            start--;
        }
        return end < 0 ? -1 : Long.parseLong(text.substring(start, end + 1));
    }
}
