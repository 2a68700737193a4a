package io.streamgate.platform.http;

/**
 * Text Postgres can store in a UTF8 {@code text} column. It refuses U+0000 ("invalid byte
 * sequence for encoding UTF8: 0x00"), and a Java string holding an unpaired surrogate (a JSON
 * {@code \ud800} escape) is not Unicode at all: the driver would send it as {@code ?} and the
 * stored text would silently differ from what the client sent. Either is refused at the edge
 * as a 422 naming the field, before any handler or query sees it.
 */
public final class StorableText {
    private StorableText() {}

    /** Why {@code text} cannot be stored, as a field error message; null when it can. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') return "contains U+0000 (NUL), which cannot be stored";
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return unpaired(c);
            }
            if (Character.isLowSurrogate(c)) return unpaired(c);
        }
        return null;
    }

    private static String unpaired(char c) {
        return String.format("contains an unpaired surrogate (U+%04X), which is not Unicode text", (int) c);
    }
}
