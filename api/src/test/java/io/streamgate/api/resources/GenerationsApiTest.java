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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation jobs: queued by the API, moved on by the worker, read back with ETags; the asset shows up in /v1/assets. */
@StreamgateTest
class GenerationsApiTest {
    static Platform platform;
    static ApiClient user;
    static GenerationResults worker;
    static int port;

    @BeforeAll
    static void serve(TestEnv env) {
        platform = env.platform();
        Javalin app = env.serve(platform, ApiClient.resources(platform));
        port = app.port();
        user = ApiClient.newUser(platform, port);
        worker = new GenerationResults(platform.db());
    }

    @Test
    void aJobGoesFromQueuedToSucceededAndItsAssetIsListed() {
        String kit = json(user.post("/v1/brand-kits", "{\"name\":\"stream\"}")).get("id").asText();
        HttpResponse<String> created = user.post("/v1/generations",
                "{\"prompt\":\"  a neon fox emote  \",\"asset_type\":\"emote\",\"brand_kit_id\":\"" + kit + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode job = json(created);
        UUID id = UUID.fromString(job.get("id").asText());
        assertThat(created.headers().firstValue("Location")).contains("/v1/generations/" + id);
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(job.get("prompt").asText()).isEqualTo("a neon fox emote");
        assertThat(job.get("asset_type").asText()).isEqualTo("emote");
        assertThat(job.get("brand_kit_id").asText()).isEqualTo(kit);
        assertThat(job.has("result_asset_id")).isFalse();
        String queuedTag = created.headers().firstValue("ETag").orElseThrow();
        assertThat(user.get("/v1/generations/" + id, "If-None-Match", queuedTag).statusCode()).isEqualTo(304);

        assertThat(worker.start(id)).isTrue();
        assertThat(worker.start(id)).as("starting twice changes nothing").isFalse();
        HttpResponse<String> running = user.get("/v1/generations/" + id, "If-None-Match", queuedTag);
        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(json(running).get("status").asText()).isEqualTo("running");
        assertThat(json(running).get("started_at").asText()).endsWith("Z");

        UUID asset = worker.succeed(id, new GenerationResults.NewAsset("https://cdn.example.test/fox.png", "image/png", 2048, 112, 112)).orElseThrow();
        assertThat(worker.succeed(id, new GenerationResults.NewAsset("https://cdn.example.test/again.png", "image/png", 1, 1, 1)))
                .as("a redelivered result returns the same asset").contains(asset);
        JsonNode done = json(user.get("/v1/generations/" + id));
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        assertThat(done.get("result_asset_id").asText()).isEqualTo(asset.toString());
        assertThat(done.get("version").asInt()).isEqualTo(3);

        JsonNode assets = json(user.get("/v1/assets?brand_kit_id=" + kit));
        assertThat(assets.get("items")).hasSize(1);
        assertThat(assets.get("items").get(0).get("id").asText()).isEqualTo(asset.toString());
        assertThat(assets.get("items").get(0).get("type").asText()).isEqualTo("emote");
        assertThat(assets.get("items").get(0).get("width").asInt()).isEqualTo(112);
    }

    @Test
    void aFailedJobSaysWhy() {
        UUID id = UUID.fromString(json(user.post("/v1/generations", "{\"prompt\":\"x\",\"asset_type\":\"banner\"}")).get("id").asText());
        assertThat(worker.fail(id, "the prompt was refused by the content policy")).isTrue();
        JsonNode job = json(user.get("/v1/generations/" + id));
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("error").asText()).contains("content policy");
        assertThat(worker.succeed(id, new GenerationResults.NewAsset("https://x", "image/png", 1, null, null))).isEmpty();
    }

    @Test
    void listIsNewestFirstAndPaginated() {
        ApiClient fresh = ApiClient.newUser(platform, port);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, json(fresh.post("/v1/generations", "{\"prompt\":\"p" + i + "\",\"asset_type\":\"thumbnail\"}")).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        for (JsonNode j : AssetsApiTest.walk(fresh, "/v1/generations?limit=2")) seen.add(j.get("id").asText());
        assertThat(seen).isEqualTo(created);
    }

    @Test
    void invalidRequestsAreNamedIn422AndWriteNothing() {
        HttpResponse<String> r = user.post("/v1/generations", "{\"prompt\":\" \",\"asset_type\":\"gif\",\"brand_kit_id\":42,\"extra\":true}");
        assertThat(r.statusCode()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        for (JsonNode e : json(r).get("errors")) fields.add(e.get("field").asText());
        assertThat(fields).containsExactlyInAnyOrder("prompt", "asset_type", "brand_kit_id", "extra");
        assertThat(user.post("/v1/generations", "{\"prompt\":\"" + "p".repeat(4001) + "\",\"asset_type\":\"emote\"}").statusCode()).isEqualTo(422);
        assertThat(user.post("/v1/generations", "{\"prompt\":\"p\",\"asset_type\":\"emote\",\"brand_kit_id\":\"" + UUID.randomUUID() + "\"}")
                .statusCode()).isEqualTo(422);
        assertThat(user.post("/v1/generations", "not json").statusCode()).isEqualTo(400);
        assertThat(user.send("POST", "/v1/generations", "text/plain", "{}").statusCode()).isEqualTo(415);
        assertThat(user.get("/v1/generations/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    }
}
