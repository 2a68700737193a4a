package io.streamgate.api.coach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.api.coach.DroppingProxy.Fault;
import io.streamgate.platform.Platform;
import io.streamgate.processors.coach.CoachWorker;
import io.streamgate.processors.coach.OfflineCoachModel;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The /coach page end to end in headless Chromium against the real system (coach API, worker,
 * broker, Postgres), through a proxy that breaks the event stream on purpose. The rendered
 * text must equal the session's uninterrupted stream, and the page must raise no CSP
 * violation. Needs Chromium: without it the test fails and says how to install it.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachPageBrowserTest {
    static final String PROMPT = "a fox streamer wearing a headset, neon style, teal and pink, bold mood, close-up, text \"GG\" — café édition 🎮";
    // A short retry so the browser's own reconnections are quick; batches as in production.
    static final CoachSettings SSE = new CoachSettings(Duration.ofMillis(25), 64, 16_384, Duration.ofSeconds(15), Duration.ofMillis(300),
            Duration.ofSeconds(60), 2, 256,
            Duration.ofMinutes(10), 1000, 10_000); // quotas far above what the test uses: CoachQuotasTest covers them

    String apiBase;
    String token;
    DroppingProxy proxy;
    HeadlessChromium chromium;
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start(TestEnv env) throws Exception {
        Platform platform = env.platform();
        Javalin app = env.serve(platform, List.of(new CoachApi(platform, SSE),
                new CoachWorker(platform, new OfflineCoachModel(Duration.ofMillis(10)), 2), new CoachPage()));
        apiBase = "http://127.0.0.1:" + app.port();
        token = platform.auth().tokens().issue(UUID.randomUUID(), "page-user").token();
        proxy = new DroppingProxy(app.port());
        chromium = HeadlessChromium.launch();
        chromium.onEvent(msg -> {
            JsonNode p = msg.path("params");
            switch (msg.path("method").asText()) {
                case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    String text = p.path("entry").path("text").asText();
                    if (text.contains("Content Security Policy") || "security".equals(p.path("entry").path("source").asText())) {
                        problems.add("log: " + text);
                    }
                }
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(p.path("type").asText())) problems.add("console.error: " + p.path("args"));
                }
                default -> { }
            }
        });
        chromium.send("Runtime.enable", Map.of());
        chromium.send("Log.enable", Map.of());
        chromium.send("Page.enable", Map.of());
        // Runs before the page's own script on every document: records CSP violations.
        chromium.send("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                        + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"));
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) chromium.close();
        if (proxy != null) proxy.close();
    }

    String state() throws Exception {
        // null until the new document has a body (right after a navigation)
        return chromium.evalString("document.body ? document.body.dataset.state : null");
    }

    String renderedText() throws Exception {
        return chromium.evalString("document.getElementById('text').textContent");
    }

    /** Waits for the page to show {@code wanted}; on a timeout, says what it shows instead (and screenshots it). */
    void awaitState(String wanted) throws Exception {
        try {
            Awaitility.await("page state " + wanted).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> wanted.equals(state()) || (!wanted.equals("error") && "error".equals(state())));
        } catch (ConditionTimeoutException e) {
            chromium.screenshot(Path.of("target", "coach-page-failure.png"));
            throw new AssertionError("the page never reached " + wanted + "; it shows " + state() + " ("
                    + chromium.evalString("document.getElementById('detail').textContent") + "), text: " + renderedText()
                    + "\nevent requests: " + proxy.eventRequests + "\nproblems: " + problems, e);
        }
        assertThat(state()).as("page state; detail: %s", chromium.evalString("document.getElementById('detail').textContent"))
                .isEqualTo(wanted);
    }

    @Test
    void aStreamDroppedAndRefusedIsResumedByTheBrowserAndTheRetryButtonWithNoDuplicatedOrMissingText() throws Exception {
        // 1. cut the first stream inside its second token batch: EventSource reconnects by itself
        //    with Last-Event-ID; 2. that reconnection is refused: the page shows the error with the
        //    text so far; 3. its Retry button resumes with ?last_event_id= and a new ticket, and that
        //    stream is cut again before it ends: EventSource resumes it by itself to the end.
        proxy.plan(Fault.cutAfterTokenEvents(1), Fault.unavailable(), Fault.cutAfterTokenEvents(1));
        chromium.send("Page.navigate", Map.of("url", "http://127.0.0.1:" + proxy.port() + "/coach"));
        Awaitility.await("page loaded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "idle".equals(state()));

        chromium.eval("(() => {"
                + " document.getElementById('token').value = " + Json.mapper().writeValueAsString(token) + ";"
                + " document.getElementById('prompt').value = " + Json.mapper().writeValueAsString(PROMPT) + ";"
                + " document.getElementById('asset-type').value = 'thumbnail';"
                + " document.getElementById('start').click(); })()");

        awaitState("error");
        String sessionId = chromium.evalString("document.body.dataset.sessionId");
        String before = renderedText();
        chromium.screenshot(Path.of("target", "coach-page-error.png"));
        assertThat(chromium.evalString("String(document.getElementById('retry').hidden)")).isEqualTo("false");
        assertThat(before).as("the text received before the failure stays on the page; detail: %s",
                chromium.evalString("document.getElementById('detail').textContent")).isNotEmpty();

        chromium.eval("document.getElementById('retry').click()");
        awaitState("complete");

        String expected = uninterruptedText(sessionId);
        String rendered = renderedText();
        assertThat(rendered).as("rendered text = the uninterrupted stream, no duplicated or missing text").isEqualTo(expected);
        assertThat(expected).startsWith(before).isNotEqualTo(before);
        JsonNode answer = Json.mapper().readTree(expected);
        assertThat(chromium.evalString("document.getElementById('refined-prompt').textContent")).isEqualTo(answer.get("refined_prompt").asText());
        assertThat(chromium.eval("document.querySelectorAll('#tips li').length").asInt()).isEqualTo(answer.get("tips").size());
        assertThat(chromium.evalString("document.body.dataset.skipped")).isEqualTo("0");

        // How the browser resumed: fresh; EventSource's own Last-Event-ID (refused); the page's
        // retry with ?last_event_id= and a new ticket; EventSource's Last-Event-ID again.
        List<String> requests = List.copyOf(proxy.eventRequests);
        assertThat(requests).hasSize(4);
        assertThat(requests.get(0)).doesNotContainIgnoringCase("Last-Event-ID");
        assertThat(requests.get(1)).containsIgnoringCase("\r\nLast-Event-ID: ");
        assertThat(requests.get(2).lines().findFirst().orElseThrow()).contains("last_event_id=").contains("ticket=");
        assertThat(ticket(requests.get(2))).isNotEqualTo(ticket(requests.get(0)));
        assertThat(requests.get(3)).containsIgnoringCase("\r\nLast-Event-ID: ");
        assertThat(chromium.evalString("document.body.dataset.reconnects")).isEqualTo("3");

        chromium.screenshot(Path.of("target", "coach-page.png"));
        assertThat(chromium.eval("window.__csp").size()).as("CSP violations: %s", chromium.eval("window.__csp")).isZero();
        assertThat(problems).as("console errors, exceptions and CSP reports").isEmpty();

        // The violation listener works: an inline script is refused and reported.
        chromium.eval("(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
                + " document.body.append(s); })()");
        Awaitility.await("CSP report").atMost(Duration.ofSeconds(10)).until(() -> chromium.eval("window.__csp").size() == 1);
        assertThat(chromium.evalString("String(window.__inline)")).isEqualTo("undefined");
    }

    static String ticket(String requestHead) {
        Matcher m = Pattern.compile("ticket=([^& ]+)").matcher(requestHead);
        assertThat(m.find()).as(requestHead).isTrue();
        return m.group(1);
    }

    /** The session's whole answer text, read in one uninterrupted stream straight from the API. */
    String uninterruptedText(String sessionId) throws Exception {
        StringBuilder text = new StringBuilder();
        try (SseTestClient sse = SseTestClient.open(apiBase + "/v1/coach/sessions/" + sessionId + "/events",
                Map.of("Authorization", "Bearer " + token))) {
            assertThat(sse.status).isEqualTo(200);
            SseTestClient.Event e;
            while ((e = sse.next()) != null) {
                if (e.name().equals("token")) text.append(Json.mapper().readTree(e.data()).get("text").asText());
            }
        }
        return text.toString();
    }
}
