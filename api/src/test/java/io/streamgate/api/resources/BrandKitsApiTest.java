package io.streamgate.api.resources;

import static io.streamgate.api.resources.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The brand-kit resource over real HTTP: create, read with ETags, conditional change and delete, validation. */
@StreamgateTest
class BrandKitsApiTest {
    static Platform platform;
    static ApiClient user;

    @BeforeAll
    static void serve(TestEnv env) {
        platform = env.platform();
        Javalin app = env.serve(platform, ApiClient.resources(platform));
        user = ApiClient.newUser(platform, app.port());
    }

    @Test
    void createdKitIsReadBackInSnakeCaseWithItsTag() {
        HttpResponse<String> created = user.post("/v1/brand-kits",
                "{\"name\":\"  Cozy  \",\"colors\":[\"#FFAA00\",\"#112233\"],\"fonts\":[\"Inter\"],\"tone\":\"warm\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode kit = json(created);
        String id = kit.get("id").asText();
        assertThat(created.headers().firstValue("Location")).contains("/v1/brand-kits/" + id);
        assertThat(created.headers().firstValue("ETag")).contains("\"" + id + ".1\"");
        assertThat(kit.get("name").asText()).isEqualTo("Cozy");
        assertThat(kit.get("colors")).hasToString("[\"#ffaa00\",\"#112233\"]");
        assertThat(kit.get("fonts")).hasToString("[\"Inter\"]");
        assertThat(kit.get("version").asInt()).isEqualTo(1);
        assertThat(kit.get("created_at").asText()).endsWith("Z");
        assertThat(Instant.parse(kit.get("updated_at").asText())).isNotNull();
        assertThat(kit.has("user_id")).isFalse();

        HttpResponse<String> read = user.get("/v1/brand-kits/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(kit);
        assertThat(read.headers().firstValue("ETag")).isEqualTo(created.headers().firstValue("ETag"));
        assertThat(ids(user.get("/v1/brand-kits"))).contains(id);
    }

    @Test
    void ifNoneMatchWithTheCurrentTagIsNotModified() {
        String id = create("etag kit");
        String etag = user.get("/v1/brand-kits/" + id).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> same = user.get("/v1/brand-kits/" + id, "If-None-Match", etag);
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.headers().firstValue("ETag")).contains(etag);
        assertThat(user.get("/v1/brand-kits/" + id, "If-None-Match", "\"other\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(user.get("/v1/brand-kits/" + id, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

        HttpResponse<String> list = user.get("/v1/brand-kits");
        String listTag = list.headers().firstValue("ETag").orElseThrow();
        assertThat(user.get("/v1/brand-kits", "If-None-Match", listTag).statusCode()).isEqualTo(304);

        assertThat(user.patch("/v1/brand-kits/" + id, "{\"tone\":\"bold\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> changed = user.get("/v1/brand-kits/" + id, "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json(changed).get("tone").asText()).isEqualTo("bold");
        assertThat(user.get("/v1/brand-kits", "If-None-Match", listTag).statusCode()).as("the list changed too").isEqualTo(200);
    }

    @Test
    void patchWithAStaleIfMatchIsRefusedAndChangesNothing() {
        String id = create("concurrent kit");
        String v1 = user.get("/v1/brand-kits/" + id).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> first = user.patch("/v1/brand-kits/" + id, "{\"name\":\"first writer\"}", "If-Match", v1);
        assertThat(first.statusCode()).isEqualTo(200);
        String v2 = first.headers().firstValue("ETag").orElseThrow();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(json(first).get("version").asInt()).isEqualTo(2);

        HttpResponse<String> second = user.patch("/v1/brand-kits/" + id, "{\"name\":\"second writer\"}", "If-Match", v1);
        assertThat(second.statusCode()).isEqualTo(412);
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(second).get("type").asText()).isEqualTo("precondition_failed");
        assertThat(second.headers().firstValue("ETag")).contains(v2);
        assertThat(user.patch("/v1/brand-kits/" + id, "{\"name\":\"weak\"}", "If-Match", "W/" + v2).statusCode())
                .as("If-Match compares strongly").isEqualTo(412);
        assertThat(json(user.get("/v1/brand-kits/" + id)).get("name").asText()).isEqualTo("first writer");

        assertThat(user.delete("/v1/brand-kits/" + id, "If-Match", v1).statusCode()).isEqualTo(412);
        assertThat(user.get("/v1/brand-kits/" + id).statusCode()).isEqualTo(200);
        assertThat(user.delete("/v1/brand-kits/" + id, "If-Match", v2).statusCode()).isEqualTo(204);
        assertThat(user.get("/v1/brand-kits/" + id).statusCode()).isEqualTo(404);
        assertThat(user.delete("/v1/brand-kits/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void patchChangesOnlyTheFieldsGivenAndNullClearsOptionalOnes() {
        String id = json(user.post("/v1/brand-kits", "{\"name\":\"partial\",\"fonts\":[\"Inter\"],\"tone\":\"calm\"}")).get("id").asText();
        HttpResponse<String> patched = user.send("PATCH", "/v1/brand-kits/" + id, "application/merge-patch+json",
                "{\"colors\":[\"#000000\"],\"tone\":null}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode kit = json(patched);
        assertThat(kit.get("name").asText()).isEqualTo("partial");
        assertThat(kit.get("fonts")).hasToString("[\"Inter\"]");
        assertThat(kit.get("colors")).hasToString("[\"#000000\"]");
        assertThat(kit.has("tone")).isFalse();
    }

    @Test
    void invalidFieldsAreAllNamedIn422() {
        HttpResponse<String> r = user.post("/v1/brand-kits",
                "{\"colors\":[\"red\", 7],\"fonts\":\"Inter\",\"tone\":5,\"logo_asset_id\":\"nope\",\"colour\":1,\"version\":3}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(fields(r)).containsExactlyInAnyOrder("name", "colors[0]", "colors[1]", "fonts", "tone", "logo_asset_id", "colour", "version");

        assertThat(fields(user.post("/v1/brand-kits", "{\"name\":\"   \"}"))).containsExactly("name");
        assertThat(fields(user.post("/v1/brand-kits", "{\"name\":\"" + "x".repeat(101) + "\"}"))).containsExactly("name");
        String id = create("valid");
        assertThat(fields(user.patch("/v1/brand-kits/" + id, "{\"name\":null,\"fonts\":[\"\"]}"))).containsExactly("name", "fonts[0]");
        assertThat(json(user.get("/v1/brand-kits/" + id)).get("version").asInt()).isEqualTo(1);
        assertThat(fields(user.get("/v1/brand-kits?limit=0&cursor=bogus"))).containsExactly("limit", "cursor");
    }

    @Test
    void malformedBodiesAndWrongContentTypesAreClientErrors() {
        assertThat(user.post("/v1/brand-kits", "{\"name\":").statusCode()).isEqualTo(400);
        assertThat(user.post("/v1/brand-kits", "[]").statusCode()).isEqualTo(400);
        assertThat(user.send("POST", "/v1/brand-kits", "text/plain", "{\"name\":\"x\"}").statusCode()).isEqualTo(415);
        String id = create("typed");
        assertThat(user.send("PATCH", "/v1/brand-kits/" + id, "application/x-www-form-urlencoded", "name=x").statusCode()).isEqualTo(415);
        assertThat(user.get("/v1/brand-kits/not-a-uuid").statusCode()).isEqualTo(404);
        assertThat(ids(user.get("/v1/brand-kits"))).doesNotContain("x");
    }

    static String create(String name) {
        HttpResponse<String> r = user.post("/v1/brand-kits", "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).isEqualTo(201);
        return json(r).get("id").asText();
    }

    static List<String> fields(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        for (JsonNode e : json(r).get("errors")) fields.add(e.get("field").asText());
        return fields;
    }

    static List<String> ids(HttpResponse<String> list) {
        return ResourcesIsolationTest.ids(list);
    }
}
