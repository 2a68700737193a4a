package io.streamgate.platform.http;

import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The text of a request outside its body, checked once at the edge before any handler runs
 * (a before-matched handler, so every route gets it, including one added tomorrow): query
 * parameters must be well-formed percent-encoded UTF-8, and query parameters, path parameters
 * and headers must be text Postgres can store ({@link StorableText}). Otherwise 422
 * {@code validation_failed} naming each parameter or header; nothing further runs.
 *
 * <p>Javalin itself decodes leniently: a parameter whose escapes are broken is dropped, and
 * bytes that are not UTF-8 become U+FFFD, so a client's typo would silently become a different
 * value. Refusing them tells the client instead.
 */
public final class RequestText {
    /** Field errors reported at most; the rest are not listed. */
    static final int MAX_REPORTED = 10;
    private static final int MAX_NAME_SHOWN = 64;

    private RequestText() {}

    public static void check(Context ctx) {
        FieldErrors errors = new FieldErrors();
        int[] reported = new int[1];
        String query = ctx.queryString();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                String name = decode(rawName);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                String field = name != null && StorableText.problem(name) == null ? name : shown(rawName);
                if (name == null || value == null) {
                    add(errors, reported, field, "is not valid percent-encoded UTF-8");
                } else {
                    String problem = StorableText.problem(name);
                    if (problem == null) problem = StorableText.problem(value);
                    if (problem != null) add(errors, reported, field, problem);
                }
            }
        }
        for (Map.Entry<String, String> param : ctx.pathParamMap().entrySet()) {
            String problem = StorableText.problem(param.getValue());
            if (problem != null) add(errors, reported, param.getKey(), problem);
        }
        for (Map.Entry<String, String> header : ctx.headerMap().entrySet()) {
            String problem = StorableText.problem(header.getValue());
            if (problem != null) add(errors, reported, shown(header.getKey()), problem);
        }
        errors.throwIfAny();
    }

    private static void add(FieldErrors errors, int[] reported, String field, String message) {
        if (reported[0]++ < MAX_REPORTED) errors.add(field, message);
    }

    /** A name as the client sent it, shortened, for naming a field we could not decode. */
    private static String shown(String raw) {
        return raw.length() <= MAX_NAME_SHOWN ? raw : raw.substring(0, MAX_NAME_SHOWN) + "...";
    }

    /**
     * Decodes one {@code application/x-www-form-urlencoded} component ({@code +} is a space)
     * strictly: null when an escape is broken or the bytes are not UTF-8.
     */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c == '+' ? ' ' : c);
                i++;
                continue;
            }
            // A run of escapes is one byte sequence: a character may span several.
            ByteBuffer bytes = ByteBuffer.allocate(raw.length() / 3 + 1);
            while (i < raw.length() && raw.charAt(i) == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                bytes.put((byte) (hi << 4 | lo));
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(bytes.flip()));
            } catch (CharacterCodingException e) {
                return null;
            }
        }
        return out.toString();
    }
}
