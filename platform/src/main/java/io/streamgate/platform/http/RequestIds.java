package io.streamgate.platform.http;

import io.javalin.http.Context;
import io.streamgate.platform.RandomIds;
import java.util.regex.Pattern;

/** {@code X-Request-Id}: accepted from the caller when well-formed, else generated; always echoed. */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = "streamgate.request_id";
    /** The logging MDC key every line logged for a request carries its id under. */
    public static final String MDC_KEY = "request_id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    static String assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && ACCEPTED.matcher(given).matches() ? given : RandomIds.uuidString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        return id;
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id != null ? id : assign(ctx);
    }
}
