package io.eventgateway.topic;

/**
 * The character classes of PROTOCOL.md section 2, checked by hand: this runs once per published event
 * and per subscribe request, and a regex would allocate a matcher each time.
 */
final class TopicSyntax {

    static final int MAX_ENTITY_LENGTH = 64;
    static final int MAX_ID_LENGTH = 192;

    private TopicSyntax() {
    }

    /** {@code [a-z][a-z0-9_.-]{0,63}} over {@code s[from, to)}. */
    static boolean isEntity(String s, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_ENTITY_LENGTH) {
            return false;
        }
        char first = s.charAt(from);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Every character of {@code s[from, to)} is one of {@code [A-Za-z0-9._:/@-]}. */
    static boolean isIdChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '/' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
