package io.streamgate.api.coach;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.platform.Component;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.platform.http.SecurityHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The coach page at {@code /coach}: one HTML file, one script and one stylesheet from the
 * classpath ({@code public/coach/}), served with the strict HTML CSP (same-origin scripts and
 * styles only, so the page has no inline code) instead of the API's allow-nothing policy.
 * Only these three files are served: there is no directory to walk.
 */
public final class CoachPage implements Component {
    private record Asset(String contentType, byte[] body) {}

    private final Map<String, Asset> assets = Map.of(
            "index.html", load("index.html", "text/html; charset=utf-8"),
            "coach.js", load("coach.js", "text/javascript; charset=utf-8"),
            "coach.css", load("coach.css", "text/css; charset=utf-8"));

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/coach", ctx -> serve(ctx, "index.html"));
        config.routes.get("/coach/", ctx -> serve(ctx, "index.html"));
        config.routes.get("/coach/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(Context ctx, String name) {
        Asset asset = assets.get(name);
        if (asset == null) throw ProblemException.notFound("no page asset " + name);
        SecurityHeaders.forHtmlPage(ctx);
        ctx.contentType(asset.contentType()).result(asset.body());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = CoachPage.class.getResourceAsStream("/public/coach/" + name)) {
            if (in == null) throw new IllegalStateException("missing classpath resource public/coach/" + name);
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
