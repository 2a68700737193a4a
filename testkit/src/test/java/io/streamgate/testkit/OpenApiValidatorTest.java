package io.streamgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The validator notices each kind of drift it is there for, and passes what the API sends. */
class OpenApiValidatorTest {
    private static final String KIT = """
            {"id": "4b0d2a6e-8d3c-4f44-9b0e-6d1f8f0c2a11", "name": "Neon", "colors": ["#ff00ff"], "fonts": [],
             "version": 1, "created_at": "2026-01-01T12:00:00.123456Z", "updated_at": "2026-01-01T12:00:00.123456Z"}""";

    @Test
    void aResponseAsDocumentedPasses() {
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits/4b0d2a6e-8d3c-4f44-9b0e-6d1f8f0c2a11", 200, "application/json", KIT)).isEmpty();
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits", 200, "application/json", "{\"items\": [" + KIT + "]}")).isEmpty();
        assertThat(OpenApiValidator.problems("DELETE", "/v1/brand-kits/x", 204, null, "")).isEmpty();
    }

    @Test
    void aBodyThatLeavesTheSchemaFails() {
        String camel = KIT.replace("created_at", "createdAt");
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits/x", 200, "application/json", camel))
                .anySatisfy(p -> assertThat(p).contains("created_at"));
    }

    @Test
    void anUndeclaredSuccessStatusFailsAndAnErrorNeedsAProblemBody() {
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits/x", 202, "application/json", KIT))
                .anySatisfy(p -> assertThat(p).contains("status 202 is not declared"));
        // 409 is not declared here, so it falls to default: a problem, in problem+json.
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits/x", 409, "application/json", "{}"))
                .anySatisfy(p -> assertThat(p).contains("content type application/json is not one of [application/problem+json]"));
        assertThat(OpenApiValidator.problems("GET", "/v1/brand-kits/x", 409, "application/problem+json",
                "{\"type\": \"conflict\", \"title\": \"Conflict\", \"status\": 409}")).isEmpty();
    }

    @Test
    void aRouteTheDocumentLacksFails() {
        assertThat(OpenApiValidator.problems("PUT", "/v1/brand-kits/x", 200, "application/json", "{}"))
                .anySatisfy(p -> assertThat(p).contains("no operation PUT /v1/brand-kits/{id}"));
        // The edge's 404 for a path nobody serves is a problem like any other.
        assertThat(OpenApiValidator.problems("GET", "/nowhere", 404, "application/problem+json",
                "{\"type\": \"not_found\", \"title\": \"Not Found\", \"status\": 404}")).isEmpty();
    }

    @Test
    void streamEventsAreCheckedAgainstXSseEvents() {
        OpenApiValidator.requireEvent("token", "{\"seq_from\": 1, \"seq_to\": 2, \"text\": \"ab\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApiValidator.requireEvent("token", "{\"seqFrom\": 1}"))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApiValidator.requireEvent("tokens", "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("not declared");
    }
}
