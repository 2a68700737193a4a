package io.streamgate.api.resources;

import static io.streamgate.api.resources.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.api.generations.GenerationResults;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two users, one API: through every endpoint and every verb, user A never reads, lists,
 * changes or deletes user B's rows, and cannot even tell that they exist.
 */
@StreamgateTest
class ResourcesIsolationTest {
    static Platform platform;
    static ApiClient alice;
    static ApiClient bob;
    static int port;
    static String bobKit;
    static String bobKitEtag;
    static String bobJob;
    static UUID bobAsset;

    @BeforeAll
    static void twoUsersWithData(TestEnv env) {
        platform = env.platform();
        Javalin app = env.serve(platform, ApiClient.resources(platform));
        port = app.port();
        alice = ApiClient.newUser(platform, port);
        bob = ApiClient.newUser(platform, port);

        HttpResponse<String> kit = bob.post("/v1/brand-kits", "{\"name\":\"Bob's kit\",\"colors\":[\"#112233\"]}");
        assertThat(kit.statusCode()).isEqualTo(201);
        bobKit = json(kit).get("id").asText();
        bobKitEtag = kit.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> job = bob.post("/v1/generations",
                "{\"prompt\":\"neon cat\",\"asset_type\":\"emote\",\"brand_kit_id\":\"" + bobKit + "\"}");
        assertThat(job.statusCode()).isEqualTo(201);
        bobJob = json(job).get("id").asText();
        bobAsset = new GenerationResults(platform.db())
                .succeed(UUID.fromString(bobJob), new GenerationResults.NewAsset("https://cdn.example.test/b.png", "image/png", 10, 112, 112))
                .orElseThrow();
        Seed.assets(platform, bob.userId, 5, Instant.now(), java.util.Arrays.asList(UUID.fromString(bobKit), null));
        alice.post("/v1/brand-kits", "{\"name\":\"Alice's kit\"}");
        alice.post("/v1/generations", "{\"prompt\":\"a fox\",\"asset_type\":\"banner\"}");
    }

    @Test
    void listsShowOnlyTheCallersRows() {
        assertThat(ids(alice.get("/v1/brand-kits"))).hasSize(1).doesNotContain(bobKit);
        assertThat(ids(alice.get("/v1/generations"))).hasSize(1).doesNotContain(bobJob);
        assertThat(ids(alice.get("/v1/assets"))).isEmpty();
        assertThat(ids(alice.get("/v1/assets?brand_kit_id=" + bobKit))).isEmpty();
        assertThat(ids(alice.get("/v1/assets?type=emote"))).isEmpty();

        assertThat(ids(bob.get("/v1/brand-kits"))).containsExactly(bobKit);
        assertThat(ids(bob.get("/v1/assets"))).hasSize(6).contains(bobAsset.toString());
    }

    @Test
    void readingAnotherUsersRowIsNotFoundExactlyLikeAMissingOne() {
        for (String path : List.of("/v1/brand-kits/", "/v1/generations/")) {
            String bobs = path.equals("/v1/brand-kits/") ? bobKit : bobJob;
            HttpResponse<String> theirs = alice.get(path + bobs);
            HttpResponse<String> missing = alice.get(path + UUID.randomUUID());
            assertThat(theirs.statusCode()).isEqualTo(404);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(json(theirs).get("type")).isEqualTo(json(missing).get("type"));
            assertThat(theirs.headers().firstValue("ETag")).isEmpty();
            // a conditional read must not answer 304 for someone else's tag either
            assertThat(alice.get(path + bobs, "If-None-Match", "*").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void changingOrDeletingAnotherUsersBrandKitIsNotFoundAndChangesNothing() {
        assertThat(alice.patch("/v1/brand-kits/" + bobKit, "{\"name\":\"mine now\"}").statusCode()).isEqualTo(404);
        assertThat(alice.patch("/v1/brand-kits/" + bobKit, "{\"name\":\"mine now\"}", "If-Match", bobKitEtag).statusCode()).isEqualTo(404);
        assertThat(alice.delete("/v1/brand-kits/" + bobKit).statusCode()).isEqualTo(404);
        assertThat(alice.delete("/v1/brand-kits/" + bobKit, "If-Match", bobKitEtag).statusCode()).isEqualTo(404);

        HttpResponse<String> still = bob.get("/v1/brand-kits/" + bobKit);
        assertThat(still.statusCode()).isEqualTo(200);
        assertThat(json(still).get("name").asText()).isEqualTo("Bob's kit");
        assertThat(json(still).get("version").asInt()).isEqualTo(1);
        assertThat(still.headers().firstValue("ETag")).contains(bobKitEtag);
    }

    @Test
    void anotherUsersRowsCannotBeReferencedFromYourOwnWrites() {
        HttpResponse<String> job = alice.post("/v1/generations",
                "{\"prompt\":\"steal\",\"asset_type\":\"emote\",\"brand_kit_id\":\"" + bobKit + "\"}");
        assertThat(job.statusCode()).isEqualTo(422);
        assertThat(json(job).get("errors").get(0).get("field").asText()).isEqualTo("brand_kit_id");

        HttpResponse<String> kit = alice.post("/v1/brand-kits", "{\"name\":\"x\",\"logo_asset_id\":\"" + bobAsset + "\"}");
        assertThat(kit.statusCode()).isEqualTo(422);
        assertThat(json(kit).get("errors").get(0).get("field").asText()).isEqualTo("logo_asset_id");

        String aliceKit = ids(alice.get("/v1/brand-kits")).get(0);
        HttpResponse<String> patch = alice.patch("/v1/brand-kits/" + aliceKit, "{\"logo_asset_id\":\"" + bobAsset + "\"}");
        assertThat(patch.statusCode()).isEqualTo(422);

        assertThat(ids(alice.get("/v1/generations"))).hasSize(1);
        assertThat(ids(alice.get("/v1/brand-kits"))).hasSize(1);
    }

    @Test
    void everyEndpointRefusesAnonymousCallers() {
        for (String path : List.of("/v1/brand-kits", "/v1/brand-kits/" + bobKit, "/v1/assets", "/v1/generations", "/v1/generations/" + bobJob)) {
            HttpResponse<String> r = ApiClient.send(ApiClient.anonymous(port, path).GET().build());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
        HttpResponse<String> del = ApiClient.send(ApiClient.anonymous(port, "/v1/brand-kits/" + bobKit).DELETE().build());
        assertThat(del.statusCode()).isEqualTo(401);
        assertThat(bob.get("/v1/brand-kits/" + bobKit).statusCode()).isEqualTo(200);
    }

    static List<String> ids(HttpResponse<String> list) {
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode item : json(list).get("items")) ids.add(item.get("id").asText());
        return ids;
    }
}
