package io.streamgate.api.coach;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.SecurityHeaders;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import io.streamgate.testkit.OpenApiValidator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The /coach page's files over real HTTP: the strict HTML CSP, types, and nothing inline. */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachPageTest {
    String base;

    @BeforeAll
    void start(TestEnv env) {
        Platform platform = env.platform();
        Javalin app = env.serve(platform, List.of(new CoachPage()));
        base = "http://127.0.0.1:" + app.port();
    }

    HttpResponse<String> get(String path) throws Exception {
        return OpenApiValidator.require(SseTestClient.HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void thePageAndItsScriptAndStylesheetAreServedUnderTheStrictHtmlPolicy() throws Exception {
        for (String[] file : new String[][] {{"/coach", "text/html"}, {"/coach/", "text/html"}, {"/coach/coach.js", "text/javascript"},
                {"/coach/coach.css", "text/css"}}) {
            HttpResponse<String> r = get(file[0]);
            assertThat(r.statusCode()).as(file[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(file[0]).hasValueSatisfying(v -> assertThat(v).startsWith(file[1]));
            assertThat(r.headers().allValues("Content-Security-Policy")).as(file[0]).containsExactly(SecurityHeaders.HTML_CSP);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
    }

    @Test
    void theHtmlHasNoInlineScriptStyleOrEventHandlers() throws Exception {
        String html = get("/coach").body();

        assertThat(html).contains("<script src=\"/coach/coach.js\" defer></script>").contains("href=\"/coach/coach.css\"");
        assertThat(html.split("<script").length - 1).as("only the one external script").isEqualTo(1);
        assertThat(html).doesNotContain("<style").doesNotContain(" style=").doesNotContainPattern("\\son[a-z]+=")
                .doesNotContain("javascript:");
    }

    @Test
    void onlyThePagesOwnFilesAreServed() throws Exception {
        for (String path : List.of("/coach/secrets.properties", "/coach/..%2F..%2Fapplication.conf", "/coach/index.htm")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        }
    }
}
