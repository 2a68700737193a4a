package io.streamgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The compatibility rules, one example each. */
class SchemaCompatibilityTest {
    static final String BASE = """
            {"type":"object","required":["id"],"additionalProperties":true,
             "properties":{"id":{"type":"string","minLength":1},
                           "status":{"type":"string","enum":["active","canceled"]},
                           "amount":{"type":"integer","minimum":0},
                           "tags":{"type":"array","items":{"type":"string"}},
                           "customer":{"type":"object","properties":{"email":{"type":"string"}}}}}""";

    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    static JsonNode changed(String path, String replacement) throws Exception {
        return json(BASE.replace(path, replacement));
    }

    @Test
    void theSameSchemaIsCompatible() throws Exception {
        assertThat(SchemaCompatibility.problems(json(BASE), json(BASE))).isEmpty();
    }

    @Test
    void addingAnOptionalPropertyOrWideningIsCompatible() throws Exception {
        JsonNode newer = json(BASE
                .replace("\"tags\":", "\"note\":{\"type\":\"string\"},\"tags\":")
                .replace("\"type\":\"integer\",\"minimum\":0", "\"type\":[\"number\",\"null\"]")
                .replace("[\"active\",\"canceled\"]", "[\"active\",\"canceled\",\"paused\"]")
                .replace("\"minLength\":1", "\"minLength\":0"));
        assertThat(SchemaCompatibility.problems(json(BASE), newer)).isEmpty();
    }

    @Test
    void aNewRequiredPropertyBreaks() throws Exception {
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"required\":[\"id\"]", "\"required\":[\"id\",\"status\"]")))
                .containsExactly("$: property 'status' became required");
    }

    @Test
    void aRemovedPropertyBreaks() throws Exception {
        JsonNode newer = json(BASE.replace("\"amount\":{\"type\":\"integer\",\"minimum\":0},", ""));
        assertThat(SchemaCompatibility.problems(json(BASE), newer)).containsExactly("$: property 'amount' was removed");
    }

    @Test
    void aNarrowedTypeBreaks() throws Exception {
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"type\":\"integer\",\"minimum\":0", "\"type\":\"string\"")))
                .singleElement().asString().startsWith("$.amount: type narrowed");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"items\":{\"type\":\"string\"}", "\"items\":{\"type\":\"integer\"}")))
                .singleElement().asString().startsWith("$.tags[]: type narrowed");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"email\":{\"type\":\"string\"}", "\"email\":{\"type\":\"null\"}")))
                .singleElement().asString().startsWith("$.customer.email: type narrowed");
    }

    @Test
    void aNarrowedOrNewEnumBreaks() throws Exception {
        assertThat(SchemaCompatibility.problems(json(BASE), changed("[\"active\",\"canceled\"]", "[\"active\"]")))
                .containsExactly("$.status: enum value \"canceled\" was removed");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"email\":{\"type\":\"string\"}", "\"email\":{\"type\":\"string\",\"enum\":[\"a\"]}")))
                .singleElement().asString().contains("enum [\"a\"] added");
    }

    @Test
    void tighterBoundsPatternsAndClosedObjectsBreak() throws Exception {
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"minLength\":1", "\"minLength\":3")))
                .containsExactly("$.id: minLength tightened from 1 to 3");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"minLength\":1", "\"minLength\":1,\"maxLength\":64")))
                .containsExactly("$.id: maxLength 64 added");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"minLength\":1", "\"minLength\":1,\"pattern\":\"^evt_\"")))
                .singleElement().asString().contains("pattern");
        assertThat(SchemaCompatibility.problems(json(BASE), changed("\"additionalProperties\":true", "\"additionalProperties\":false")))
                .containsExactly("$: additionalProperties went from allowed to forbidden");
    }
}
