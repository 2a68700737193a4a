package io.streamgate.api.resources;

import static io.streamgate.api.resources.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/assets}: keyset pagination (stable while rows are added), filters, ETags and gzip. */
@StreamgateTest
class AssetsApiTest {
    static final Instant NEWEST = Instant.parse("2026-01-01T12:00:00.123456Z");

    static Platform platform;
    static int port;
    static ApiClient owner;
    static UUID kitA;
    static UUID kitB;
    static List<UUID> seeded;

    @BeforeAll
    static void aUserWithManyAssets(TestEnv env) {
        platform = env.platform();
        Javalin app = env.serve(platform, ApiClient.resources(platform));
        port = app.port();
        owner = ApiClient.newUser(platform, port);
        kitA = UUID.fromString(json(owner.post("/v1/brand-kits", "{\"name\":\"A\"}")).get("id").asText());
        kitB = UUID.fromString(json(owner.post("/v1/brand-kits", "{\"name\":\"B\"}")).get("id").asText());
        // 240 assets one second apart, cycling kit A, kit B, none; and the types.
        seeded = Seed.assets(platform, owner.userId, 240, NEWEST, Arrays.asList(kitA, kitB, null));
        // Two assets sharing one timestamp: the id breaks the tie, so neither is lost between pages.
        Instant tie = NEWEST.minus(1, ChronoUnit.DAYS);
        seeded = new ArrayList<>(seeded);
        seeded.add(Seed.asset(platform, owner.userId, null, "banner", tie));
        seeded.add(Seed.asset(platform, owner.userId, null, "banner", tie));
    }

    @Test
    void pagesWalkEveryAssetNewestFirstOnce() {
        List<JsonNode> all = walk(owner, "/v1/assets?limit=7");
        assertThat(all).hasSize(seeded.size());
        List<String> ids = all.stream().map(a -> a.get("id").asText()).toList();
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids.subList(0, 240)).isEqualTo(seeded.subList(0, 240).stream().map(UUID::toString).toList());
        JsonNode first = all.get(0);
        assertThat(first.get("created_at").asText()).isEqualTo("2026-01-01T12:00:00.123456Z");
        assertThat(first.get("type").asText()).isEqualTo("thumbnail");
        assertThat(first.get("brand_kit_id").asText()).isEqualTo(kitA.toString());
        assertThat(first.get("size_bytes").asLong()).isEqualTo(1000);
        assertThat(first.get("storage_url").asText()).startsWith("https://");

        HttpResponse<String> last = owner.get("/v1/assets?limit=200&cursor=" + cursorBefore(all, 200));
        assertThat(json(last).has("next_cursor")).isFalse();
    }

    @Test
    void filtersByBrandKitAndTypeCombine() {
        List<JsonNode> ofA = walk(owner, "/v1/assets?limit=50&brand_kit_id=" + kitA);
        assertThat(ofA).hasSize(80).allSatisfy(a -> assertThat(a.get("brand_kit_id").asText()).isEqualTo(kitA.toString()));
        List<JsonNode> emotes = walk(owner, "/v1/assets?limit=50&type=emote");
        assertThat(emotes).hasSize(60).allSatisfy(a -> assertThat(a.get("type").asText()).isEqualTo("emote"));
        // kits cycle every 3, types every 4: kit A and thumbnail meet every 12th asset
        List<JsonNode> both = walk(owner, "/v1/assets?limit=3&type=thumbnail&brand_kit_id=" + kitA);
        assertThat(both).hasSize(20).allSatisfy(a -> {
            assertThat(a.get("type").asText()).isEqualTo("thumbnail");
            assertThat(a.get("brand_kit_id").asText()).isEqualTo(kitA.toString());
        });
        assertThat(walk(owner, "/v1/assets?brand_kit_id=" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void badParametersAreNamedIn422() {
        HttpResponse<String> r = owner.get("/v1/assets?limit=201&cursor=%21%21&brand_kit_id=12&type=gif");
        assertThat(r.statusCode()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        for (JsonNode e : json(r).get("errors")) fields.add(e.get("field").asText());
        assertThat(fields).containsExactlyInAnyOrder("limit", "cursor", "brand_kit_id", "type");
        assertThat(owner.get("/v1/assets?limit=abc").statusCode()).isEqualTo(422);
    }

    @Test
    void paginationIsStableWhileAssetsAreInserted() throws Exception {
        ApiClient busy = ApiClient.newUser(platform, port);
        List<UUID> existing = Seed.assets(platform, busy.userId, 150, Instant.now(), Arrays.asList((UUID) null));
        // Meanwhile a worker keeps adding assets: new ones (now) and late ones (timestamps
        // among the existing rows, as a slow transaction that commits late would leave).
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (running.get()) {
                Instant at = inserted.get() % 2 == 0 ? Instant.now() : Instant.now().minusSeconds(inserted.get());
                Seed.asset(platform, busy.userId, null, "overlay", at);
                inserted.incrementAndGet();
            }
        });
        writer.start();
        List<String> seen = new ArrayList<>();
        try {
            String path = "/v1/assets?limit=10";
            while (path != null) {
                // and between every two pages, for certain, one more of each kind
                Seed.asset(platform, busy.userId, null, "emote", Instant.now());
                Seed.asset(platform, busy.userId, null, "emote", Instant.now().minusSeconds(75));
                JsonNode page = json(busy.get(path));
                for (JsonNode a : page.get("items")) seen.add(a.get("id").asText());
                path = page.has("next_cursor") ? "/v1/assets?limit=10&cursor=" + page.get("next_cursor").asText() : null;
            }
        } finally {
            running.set(false);
            writer.join();
        }
        assertThat(inserted.get()).isPositive();
        assertThat(new HashSet<>(seen)).as("no duplicates").hasSize(seen.size());
        assertThat(seen).as("no row that existed at the start is skipped")
                .containsAll(existing.stream().map(UUID::toString).toList());
    }

    @Test
    void listsCarryATagAndAnswer304WhenUnchanged() {
        HttpResponse<String> page = owner.get("/v1/assets?limit=20&type=emote");
        String etag = page.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = owner.get("/v1/assets?limit=20&type=emote", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(owner.get("/v1/assets?limit=20&type=banner", "If-None-Match", etag).statusCode()).isEqualTo(200);
    }

    @Test
    void largeListsAreGzipped() throws IOException {
        HttpResponse<byte[]> r = ApiClient.sendBytes(owner.request("/v1/assets?limit=200").header("Accept-Encoding", "gzip").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            byte[] plain = in.readAllBytes();
            assertThat(plain.length).isGreaterThan(r.body().length);
            assertThat(Json.mapper().readTree(plain).get("items")).hasSize(200);
        }
        HttpResponse<byte[]> identity = ApiClient.sendBytes(owner.request("/v1/assets?limit=200").GET().build());
        assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
    }

    static List<JsonNode> walk(ApiClient client, String first) {
        List<JsonNode> items = new ArrayList<>();
        String path = first;
        Set<String> cursors = new HashSet<>();
        while (path != null) {
            HttpResponse<String> r = client.get(path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = json(r);
            page.get("items").forEach(items::add);
            if (!page.has("next_cursor")) break;
            String cursor = page.get("next_cursor").asText();
            assertThat(cursors.add(cursor)).as("cursors move forward").isTrue();
            path = first + (first.contains("?") ? "&" : "?") + "cursor=" + cursor;
        }
        return items;
    }

    static String cursorBefore(List<JsonNode> items, int index) {
        JsonNode a = items.get(index - 1);
        return new Cursor(Instant.parse(a.get("created_at").asText()), UUID.fromString(a.get("id").asText())).encode();
    }
}
