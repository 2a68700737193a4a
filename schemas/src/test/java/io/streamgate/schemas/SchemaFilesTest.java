package io.streamgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topic in the registry has a value schema, and every schema file is a valid draft 2020-12 schema. */
class SchemaFilesTest {
    static final Path SCHEMA_DIR = Path.of("src/main/resources/schemas");
    static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    static final Schema META_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of(DRAFT_2020_12));

    static Stream<String> topicNames() {
        return Topics.all().stream().map(TopicSpec::name);
    }

    static Stream<Path> schemaFiles() throws IOException {
        return Files.list(SCHEMA_DIR).filter(p -> p.getFileName().toString().endsWith(".schema.json")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicNames")
    void everyTopicHasAnObjectSchemaOnTheClasspath(String topic) throws Exception {
        TopicSpec<?, ?> spec = Topics.byName(topic);
        assertThat(getClass().getClassLoader().getResource(spec.schemaResource()))
                .as("topic %s needs its value schema at schemas/src/main/resources/%s", topic, spec.schemaResource())
                .isNotNull();
        JsonNode schema = Json.mapper().readTree(SchemaValidator.text(spec.schemaResource()));
        assertThat(schema.path("$schema").asText()).as(topic).isEqualTo(DRAFT_2020_12);
        assertThat(schema.path("type").asText()).as(topic + ": topic values are JSON objects").isEqualTo("object");
        assertThat(schema.path("$id").asText()).as(topic).endsWith("/" + topic + ".schema.json");
        assertThat(schema.path("description").asText()).as(topic + ": say what one record means").isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaFiles")
    void everySchemaFileIsAValidDraft202012Schema(Path file) throws Exception {
        String text = Files.readString(file);
        List<Error> errors = META_SCHEMA.validate(text, InputFormat.JSON);
        assertThat(errors).as(file + " against the draft 2020-12 meta-schema").isEmpty();
        // And the validator can compile it.
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text, InputFormat.JSON);
    }

    @Test
    void theMetaSchemaCheckCatchesAnInvalidSchema() {
        List<Error> errors = META_SCHEMA.validate("{\"$schema\":\"" + DRAFT_2020_12 + "\",\"type\":\"objekt\",\"required\":\"id\"}",
                InputFormat.JSON);
        assertThat(errors).isNotEmpty();
    }
}
