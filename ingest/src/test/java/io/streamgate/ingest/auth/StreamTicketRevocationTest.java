package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.api.coach.CoachApi;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.RevocationFeed;
import io.streamgate.processors.tokens.RefreshTokenProcessor;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stream tickets die with the sign-in they were exchanged in: a ticket carries its refresh family
 * and is refused once that family's revocation reaches the API instance, and a stream already
 * open with it is ended. Real login, logout and reuse through the edge and the token processor,
 * real coach sessions and event streams on the API.
 */
@StreamgateTest
class StreamTicketRevocationTest {
    static Platform platform;
    static AuthClient client;

    @BeforeAll
    static void start(TestEnv env) {
        platform = env.platform(Map.of("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform), RefreshTokenProcessor.component(platform),
                new RevocationFeed(platform), new CoachApi(platform))).port());
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
    }

    @Test
    void aTicketMintedBeforeLogoutIsRefusedOnceTheLogoutIsSeenAndItsOpenStreamEnds() throws Exception {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);
        String session = client.coachSession(laptop.accessToken());
        String laptopTicket = client.streamTicket(session, laptop.accessToken());
        String phoneTicket = client.streamTicket(session, phone.accessToken());

        HttpResponse<InputStream> open = client.eventStream(session, laptopTicket);
        assertThat(open.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(open.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("retry: ");
        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> readToEnd(lines));

        assertThat(client.post("/auth/logout", Map.of("refresh_token", laptop.refreshToken()), null).status()).isEqualTo(204);

        await().untilAsserted(() -> assertRevoked(session, laptopTicket));
        // the stream that was open says why and ends; EventSource's reconnect then gets the 401
        assertThat(rest.get(60, TimeUnit.SECONDS)).contains("event: revoked");
        // logout ended the laptop's sign-in only: the phone's ticket still opens the stream
        HttpResponse<InputStream> phoneStream = client.eventStream(session, phoneTicket);
        assertThat(phoneStream.statusCode()).isEqualTo(200);
        phoneStream.body().close();
    }

    @Test
    void aTicketIsRefusedOnceATokenReuseRevokesItsSignIn() throws Exception {
        Session s = client.signUp();
        String session = client.coachSession(s.accessToken());
        String ticket = client.streamTicket(session, s.accessToken());
        HttpResponse<InputStream> before = client.eventStream(session, ticket);
        assertThat(before.statusCode()).isEqualTo(200);
        before.body().close();

        String successor = client.refresh(s.refreshToken()).text("refresh_token");
        assertThat(client.refresh(successor).status()).isEqualTo(200);
        // the first token again, two rotations later: a reuse, which revokes the family
        assertThat(client.refresh(s.refreshToken()).type()).isEqualTo("token_reused");

        await().untilAsserted(() -> assertRevoked(session, ticket));
    }

    private static void assertRevoked(String session, String ticket) throws Exception {
        HttpResponse<InputStream> refused = client.eventStream(session, ticket);
        try (InputStream body = refused.body()) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Json.mapper().readTree(body).get("type").asText()).isEqualTo("token_revoked");
        }
    }

    private static List<String> readToEnd(BufferedReader reader) {
        List<String> lines = new ArrayList<>();
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) lines.add(line);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
