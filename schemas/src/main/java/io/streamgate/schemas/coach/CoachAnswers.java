package io.streamgate.schemas.coach;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.SchemaValidator;
import io.streamgate.schemas.partial.PartialJsonParser;
import io.streamgate.schemas.partial.PartialSchema;
import java.util.List;

/**
 * The coach answer's two checks: {@link #partialParser()} validates the text while it streams
 * (incrementally, against the rules of {@code coach.answer.schema.json}), and
 * {@link #strictProblems} validates the finished text with networknt, the same validator
 * every topic uses.
 */
public final class CoachAnswers {
    private static final PartialSchema SCHEMA;

    static {
        try {
            SCHEMA = PartialSchema.compile(Json.mapper().readTree(SchemaValidator.text(CoachTopics.ANSWER_SCHEMA)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the coach answer schema is not JSON", e);
        }
    }

    private CoachAnswers() {}

    public static PartialJsonParser partialParser() {
        return new PartialJsonParser(SCHEMA);
    }

    /** Problems of a complete answer text: not JSON, or not valid against the schema. Empty when valid. */
    public static List<String> strictProblems(String text) {
        try {
            JsonNode node = Json.mapper().readTree(text);
            if (node == null) return List.of("the answer is empty");
        } catch (JsonProcessingException e) {
            return List.of("the answer is not valid JSON: " + e.getOriginalMessage());
        }
        return SchemaValidator.problems(CoachTopics.ANSWER_SCHEMA, text);
    }
}
