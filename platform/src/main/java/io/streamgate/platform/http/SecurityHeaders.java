package io.streamgate.platform.http;

import io.javalin.http.Context;

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

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", API_CSP);
        ctx.header("Strict-Transport-Security", HSTS);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Permissions-Policy", PERMISSIONS_POLICY);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("X-Permitted-Cross-Domain-Policies", "none");
        ctx.header("Cache-Control", "no-store");
    }

    /** For a route serving an HTML page or its static scripts and styles. */
    public static void forHtmlPage(Context ctx) {
        ctx.header("Content-Security-Policy", HTML_CSP);
    }
}
