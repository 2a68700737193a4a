package io.streamgate.platform.http;

import io.javalin.http.Context;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The security headers every response carries, errors and event streams included. API
 * responses get a CSP that allows nothing; an HTML page calls {@link #forHtmlPage} for a
 * strict policy of its own (same-origin scripts and styles, never 'unsafe-inline').
 */
public final class SecurityHeaders {
    public static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    public static final String HTML_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    public static final String HSTS = "max-age=31536000; includeSubDomains";
    public static final String PERMISSIONS_POLICY = "accelerometer=(), autoplay=(), camera=(), display-capture=(), "
            + "encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
            + "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
            + "usb=(), xr-spatial-tracking=()";

    private SecurityHeaders() {}

    /** The headers of an API response, in the order they are sent. */
    public static final Map<String, String> API_HEADERS = apiHeaders();

    public static void apply(Context ctx) {
        API_HEADERS.forEach(ctx::header);
    }

    private static Map<String, String> apiHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", API_CSP);
        h.put("Strict-Transport-Security", HSTS);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Permissions-Policy", PERMISSIONS_POLICY);
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put("X-Permitted-Cross-Domain-Policies", "none");
        h.put("Cache-Control", "no-store");
        return Collections.unmodifiableMap(h);
    }

    /** For a route serving an HTML page or its static scripts and styles. */
    public static void forHtmlPage(Context ctx) {
        ctx.header("Content-Security-Policy", HTML_CSP);
    }
}
