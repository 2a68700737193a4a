package io.streamgate.schemas.partial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachAnswers;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartialJsonParserTest {
    static final List<String> VALID = List.of(
            "{\"refined_prompt\":\"A neon cat\",\"tips\":[\"Use #ff00aa\",\"Add text\"],\"missing_details\":[],\"confidence\":0.85}",
            "{ \"confidence\" : 1 ,\n \"tips\" : [ ] , \"missing_details\" : [\"mood\"] , \"refined_prompt\" : \"esc \\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 done\" }\n",
            "{\"refined_prompt\":\"ünïcødé 😀 \\u2603\",\"tips\":[\"a\"],\"missing_details\":[\"b\",\"c\"],\"confidence\":0}",
            "{\"refined_prompt\":\"x\",\"tips\":[],\"missing_details\":[],\"confidence\":1.0E-1}");

    static JsonNode parse(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void everyPrefixOfAValidAnswerIsAcceptedAsPartial() throws Exception {
        for (String doc : VALID) {
            PartialJsonParser parser = CoachAnswers.partialParser();
            for (int i = 0; i < doc.length(); i++) {
                assertThat(parser.feed(doc.substring(i, i + 1))).as("prefix %s", doc.substring(0, i + 1)).isTrue();
                if (i < doc.trim().length() - 1) assertThat(parser.complete()).isFalse();
                JsonNode snapshot = parser.snapshot();
                if (snapshot != null) assertThat(snapshot.isObject()).isTrue();
            }
            assertThat(parser.complete()).isTrue();
            assertThat(parser.result()).isEqualTo(parse(doc));
            assertThat(CoachAnswers.strictProblems(doc)).isEmpty();
        }
    }

    @Test
    void anySplitIntoChunksGivesTheSameResultAsOneChunk() throws Exception {
        Random random = new Random(42);
        for (String doc : VALID) {
            for (int round = 0; round < 200; round++) {
                PartialJsonParser parser = CoachAnswers.partialParser();
                int i = 0;
                while (i < doc.length()) {
                    int n = 1 + random.nextInt(7);
                    int end = Math.min(doc.length(), i + n);
                    assertThat(parser.feed(doc.substring(i, end))).isTrue();
                    i = end;
                }
                assertThat(parser.result()).isEqualTo(parse(doc));
            }
        }
    }

    @Test
    void theSnapshotKeepsATrailingStringAndLeavesOutWhatCannotBeKnownYet() throws Exception {
        assertThat(snapshotOf("{\"refined_prompt\":\"A neon ca")).isEqualTo(parse("{\"refined_prompt\":\"A neon ca\"}"));
        assertThat(snapshotOf("{\"tips\":[\"one\",\"tw")).isEqualTo(parse("{\"tips\":[\"one\",\"tw\"]}"));
        assertThat(snapshotOf("{\"refined_prompt\":\"caf\\u00")).as("an incomplete escape is not shown")
                .isEqualTo(parse("{\"refined_prompt\":\"caf\"}"));
        assertThat(snapshotOf("{\"refined_prompt\":\"x\",\"confidence\":0.")).as("an incomplete number is left out")
                .isEqualTo(parse("{\"refined_prompt\":\"x\"}"));
        assertThat(snapshotOf("{\"refined_prompt\":\"x\",\"tip")).as("an incomplete key is left out")
                .isEqualTo(parse("{\"refined_prompt\":\"x\"}"));
        assertThat(snapshotOf("{\"tips\":")).isEqualTo(parse("{}"));
        assertThat(snapshotOf("  ")).isNull();
    }

    @ParameterizedTest(name = "{0} fails at character {1}")
    @CsvSource(delimiter = '|', value = {
        "[|0",
        "\"x\"|0",
        "{\"tips\":\"|8",
        "{\"confidence\":\"|14",
        "{\"refined_prompt\":1|18",
        "{\"refined_prompt\":\"\"|19",
        "{\"tipx|5",
        "{\"z|2",
        "{\"tips\":[1|9",
        "{\"tips\":[\"ok\",{|14",
        "{\"missing_details\":[null|20",
        "{\"confidence\":1.5,|17",
        "{\"confidence\":-0.1}|18",
        "{\"confidence\":01,|16",
        "{\"refined_prompt\":\"a\",\"refined_prompt\"|37",
        "{\"refined_prompt\":\"a\" \"tips\"|22",
        "{\"refined_prompt\":\"a\\q|21",
        "{\"refined_prompt\":\"a\",\"tips\":[],\"missing_details\":[],\"confidence\":1}}|68",
        "{\"refined_prompt\":\"a\",\"tips\":[],\"confidence\":1}|46",
        "{\"confidence\":tru|14",
        "{\"confidence\":true|14",
    })
    void typeAndGrammarErrorsAreFoundAtTheFirstCharacterThatProvesThem(String prefix, int at) {
        PartialJsonParser parser = CoachAnswers.partialParser();
        int failedAt = -1;
        for (int i = 0; i < prefix.length(); i++) {
            if (!parser.feed(prefix.substring(i, i + 1))) {
                failedAt = i;
                break;
            }
        }
        if (failedAt < 0 && !parser.complete()) failedAt = parser.error() == null ? -1 : prefix.length() - 1;
        assertThat(parser.error()).as("error for %s", prefix).isNotNull().contains("at character " + at);
        assertThat(failedAt).isEqualTo(at);
        assertThat(parser.feed("more")).as("a failed parser stays failed").isFalse();
    }

    @Test
    void strictValidationAgreesWithNetworkntOnCompleteDocuments() {
        List<String> docs = List.of(
                VALID.get(0),
                "{\"refined_prompt\":\"a\",\"tips\":[],\"missing_details\":[],\"confidence\":2}",
                "{\"refined_prompt\":\"a\",\"tips\":[],\"missing_details\":[]}",
                "{\"refined_prompt\":\"a\",\"tips\":[\"\"],\"missing_details\":[],\"confidence\":0.5}",
                "{\"refined_prompt\":\"a\",\"tips\":[],\"missing_details\":[],\"confidence\":0.5,\"extra\":1}",
                "{\"refined_prompt\":\"a\",\"tips\":[true],\"missing_details\":[],\"confidence\":0.5}");
        for (String doc : docs) {
            PartialJsonParser parser = CoachAnswers.partialParser();
            boolean partialOk = parser.feed(doc) && parser.complete();
            assertThat(partialOk).as(doc).isEqualTo(CoachAnswers.strictProblems(doc).isEmpty());
        }
    }

    @Test
    void anIncompleteDocumentIsNotAResult() {
        PartialJsonParser parser = CoachAnswers.partialParser();
        parser.feed("{\"refined_prompt\":\"a\"");
        assertThat(parser.complete()).isFalse();
        assertThat(parser.result()).isNull();
        assertThat(parser.error()).isNull();
    }

    private static JsonNode snapshotOf(String prefix) {
        PartialJsonParser parser = CoachAnswers.partialParser();
        assertThat(parser.feed(prefix)).as(prefix + ": " + parser.error()).isTrue();
        return parser.snapshot();
    }
}
