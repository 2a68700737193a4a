package io.streamgate.processors.coach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.schemas.coach.CoachRequest.BrandKitSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OfflineCoachModelTest {
    static final BrandKitSnapshot KIT = new BrandKitSnapshot(UUID.randomUUID(), "Neon Fox", List.of("#ff00aa", "#112233"),
            List.of("Bebas Neue"), "Playful", 3);

    static CoachRequest request(String prompt, String assetType, BrandKitSnapshot kit) {
        return new CoachRequest(UUID.randomUUID(), UUID.randomUUID(), prompt, assetType, kit, Instant.EPOCH);
    }

    static List<String> tokens(CoachRequest r) throws Exception {
        List<String> out = new ArrayList<>();
        new OfflineCoachModel(Duration.ZERO).generate(r, out::add);
        return out;
    }

    static JsonNode answer(CoachRequest r) throws Exception {
        return Json.mapper().readTree(String.join("", tokens(r)));
    }

    @Test
    void theTokensOfEveryAnswerConcatenateToAValidAnswerAndTheSameRequestGivesTheSameTokens() throws Exception {
        for (String type : List.of("thumbnail", "overlay", "emote", "banner")) {
            for (String prompt : List.of("x", "a fox streamer with a headset", "\"GG\" in bold #00ff00 text, dramatic close-up photo",
                    "ünïcødé 😀 emote of a cat")) {
                for (BrandKitSnapshot kit : java.util.Arrays.asList(null, KIT)) {
                    CoachRequest r = request(prompt, type, kit);
                    List<String> tokens = tokens(r);
                    assertThat(tokens).hasSizeGreaterThan(5).allSatisfy(t -> assertThat(t).isNotEmpty().hasSizeLessThanOrEqualTo(8));
                    assertThat(CoachAnswers.strictProblems(String.join("", tokens))).as(prompt).isEmpty();
                    assertThat(tokens(r)).isEqualTo(tokens);
                }
            }
        }
    }

    @Test
    void aVaguePromptGetsMissingDetailsAndLowConfidence() throws Exception {
        JsonNode vague = answer(request("fox", "thumbnail", null));
        assertThat(vague.get("missing_details").toString()).contains("subject").contains("style").contains("colours").contains("mood")
                .contains("composition");
        JsonNode rich = answer(request("a fox streamer wearing a headset, flat illustration, orange and teal, energetic, close-up",
                "thumbnail", null));
        assertThat(rich.get("missing_details")).isEmpty();
        assertThat(rich.get("confidence").asDouble()).isGreaterThan(vague.get("confidence").asDouble());
    }

    @Test
    void theBrandKitIsCheckedColoursFontAndTone() throws Exception {
        JsonNode a = answer(request("a fox streamer with \"GG\" title in #00ff00", "thumbnail", KIT));
        assertThat(a.get("tips").toString()).contains("#00ff00 is not in your brand kit").contains("Bebas Neue");
        assertThat(a.get("refined_prompt").asText()).contains("#ff00aa").contains("playful mood");
        JsonNode emote = answer(request("a cat saying \"hi\"", "emote", null));
        assertThat(emote.get("tips").toString()).contains("Drop the text");
    }

    @Test
    void anAnswerLongerThanTheTokenLimitStopsAtTheLimit() throws Exception {
        CoachRequest r = request("a fox streamer with a headset", "thumbnail", KIT);
        List<String> all = tokens(r);
        List<String> cut = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OfflineCoachModel(Duration.ZERO, 5).generate(r, cut::add))
                .isInstanceOf(CoachModel.TokenLimitReached.class);
        assertThat(cut).containsExactlyElementsOf(all.subList(0, 5));

        List<String> exact = new ArrayList<>();
        new OfflineCoachModel(Duration.ZERO, all.size()).generate(r, exact::add);
        assertThat(exact).as("an answer of exactly the limit is complete").isEqualTo(all);
    }
}
