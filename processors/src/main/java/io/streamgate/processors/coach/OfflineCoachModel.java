package io.streamgate.processors.coach;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.schemas.coach.CoachRequest.BrandKitSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in coach, used unless an LLM is configured: deterministic rules that check a
 * prompt for a subject, style, colours, mood, composition and text against the asset type
 * and the brand kit, and answer with the structured object, emitted token by token at a
 * human-like pace ({@code COACH_TOKEN_DELAY}) so the streaming path is exercised for real.
 * The same request always gives the same tokens.
 */
public final class OfflineCoachModel implements CoachModel {
    private static final Set<String> STYLES = Set.of("photo", "photorealistic", "realistic", "illustration", "illustrated", "cartoon",
            "anime", "3d", "render", "flat", "minimal", "minimalist", "watercolor", "watercolour", "pixel", "vector", "cinematic",
            "comic", "painting", "sketch", "low-poly", "neon", "retro", "vaporwave");
    private static final Set<String> COLOURS = Set.of("red", "orange", "yellow", "green", "blue", "purple", "violet", "pink",
            "black", "white", "gray", "grey", "gold", "silver", "teal", "cyan", "magenta", "pastel", "monochrome", "colourful", "colorful");
    private static final Set<String> MOODS = Set.of("energetic", "calm", "dramatic", "playful", "dark", "cheerful", "moody", "bold",
            "friendly", "epic", "cozy", "cosy", "mysterious", "intense", "happy", "funny", "serious", "spooky", "hype", "chill");
    private static final Set<String> COMPOSITION = Set.of("close-up", "closeup", "centered", "centred", "left", "right", "background",
            "foreground", "wide", "portrait", "top", "bottom", "corner", "symmetrical", "thirds", "headshot", "full-body", "silhouette");
    private static final Set<String> STOP = Set.of("a", "an", "the", "of", "with", "and", "in", "on", "for", "to", "my", "me", "make", "create", "some", "at", "is");
    private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}\\b");
    private static final Pattern QUOTED = Pattern.compile("[\"“']([^\"”']{1,60})[\"”']");

    private final Duration tokenDelay;
    private final int maxTokens;

    public OfflineCoachModel(Duration tokenDelay) {
        this(tokenDelay, DEFAULT_MAX_TOKENS);
    }

    /** @param maxTokens the most tokens one answer may have; a longer answer ends with {@link TokenLimitReached} */
    public OfflineCoachModel(Duration tokenDelay, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be positive");
        this.tokenDelay = tokenDelay;
        this.maxTokens = maxTokens;
    }

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public void generate(CoachRequest request, TokenSink sink) throws Exception {
        List<String> tokens = tokens(answerJson(request));
        for (int i = 0; i < tokens.size(); i++) {
            // Like an LLM at max_tokens: the answer so far stays, cut where the limit fell.
            if (i == maxTokens) throw new TokenLimitReached(maxTokens);
            if (!tokenDelay.isZero()) Thread.sleep(tokenDelay.toMillis(), tokenDelay.toNanosPart() % 1_000_000);
            sink.token(tokens.get(i));
        }
    }

    /** The answer object for a request, as JSON text (field order fixed). */
    static String answerJson(CoachRequest request) throws JsonProcessingException {
        return Json.mapper().writeValueAsString(answer(request));
    }

    static Map<String, Object> answer(CoachRequest request) {
        String prompt = request.prompt().trim();
        String lower = prompt.toLowerCase(Locale.ROOT);
        List<String> words = List.of(lower.split("[^\\p{L}\\p{N}#-]+"));
        BrandKitSnapshot kit = request.brandKit();
        List<String> tips = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> refined = new ArrayList<>();
        refined.add(prompt.replaceAll("[.\\s]+$", ""));
        int present = 0;

        long subjectWords = words.stream().filter(w -> !w.isBlank() && !STOP.contains(w)).count();
        if (subjectWords >= 3) present++;
        else {
            missing.add("subject: say who or what is shown, and what they are doing");
            tips.add("Name the main subject first, e.g. \"a fox streamer wearing a headset\".");
        }

        String style = first(words, STYLES);
        if (style != null) present++;
        else {
            missing.add("style: e.g. flat illustration, photorealistic, 3D render");
            refined.add(defaultStyle(request.assetType()));
        }

        List<String> kitColours = kit == null || kit.colors() == null ? List.of() : kit.colors();
        Matcher hex = HEX.matcher(prompt);
        List<String> promptHex = new ArrayList<>();
        while (hex.find()) promptHex.add(hex.group().toLowerCase(Locale.ROOT));
        boolean namedColour = first(words, COLOURS) != null;
        if (!promptHex.isEmpty() || namedColour) present++;
        else if (kitColours.isEmpty()) missing.add("colours: name a palette or give hex codes");
        for (String h : promptHex) {
            if (!kitColours.isEmpty() && kitColours.stream().noneMatch(k -> k.equalsIgnoreCase(h))) {
                tips.add(h + " is not in your brand kit \"" + kit.name() + "\"; consider " + String.join(", ", kitColours) + ".");
            }
        }
        if (!kitColours.isEmpty()) {
            if (promptHex.isEmpty()) tips.add("Use your brand colours " + String.join(", ", kitColours) + " so the asset matches your channel.");
            refined.add("colour palette " + String.join(", ", kitColours));
        }

        String mood = first(words, MOODS);
        if (mood != null) present++;
        else if (kit != null && kit.tone() != null && !kit.tone().isBlank()) {
            refined.add(kit.tone().toLowerCase(Locale.ROOT) + " mood");
            tips.add("The mood follows your brand tone \"" + kit.tone() + "\"; say so if this asset should differ.");
        } else missing.add("mood: e.g. energetic, calm, dramatic, playful");

        String composition = first(words, COMPOSITION);
        if (composition != null || lower.contains("rule of thirds")) present++;
        else {
            missing.add("composition: where the subject sits and what is in the background");
            refined.add(defaultComposition(request.assetType()));
        }

        Matcher quoted = QUOTED.matcher(prompt);
        boolean hasText = quoted.find() || words.contains("text") || words.contains("title") || words.contains("caption");
        switch (request.assetType()) {
            case "emote" -> {
                if (hasText) tips.add("Drop the text: emotes are shown at 28 px and text becomes unreadable.");
                tips.add("Keep one bold silhouette with a thick outline; it must read at 28×28.");
            }
            case "thumbnail" -> {
                if (hasText) tips.add("Keep the title to 3–5 words in large type with a strong outline.");
                else tips.add("Add a short title (3–5 words) in large type: thumbnails are read at a glance.");
                tips.add("Use high contrast between subject and background; the thumbnail is 1280×720 but seen much smaller.");
            }
            case "banner" -> {
                tips.add("Keep text and faces in the centre safe area: banners are cropped differently on phones and TVs.");
                if (hasText) present++;
            }
            case "overlay" -> tips.add("Leave the centre transparent for gameplay and keep elements at the edges.");
            default -> { }
        }
        if (kit != null && kit.fonts() != null && !kit.fonts().isEmpty() && hasText) {
            tips.add("Set the text in your brand font " + kit.fonts().get(0) + ".");
        }
        refined.add("for a " + request.assetType());

        double confidence = Math.max(0.3, Math.min(0.95, 0.3 + 0.13 * present));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("refined_prompt", String.join(", ", refined));
        answer.put("tips", tips);
        answer.put("missing_details", missing);
        answer.put("confidence", Math.round(confidence * 100) / 100.0);
        return answer;
    }

    /** Cuts the answer text into word-sized tokens (at most 8 chars), never inside a surrogate pair. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean boundary = c == ' ' || c == ',' || c == ':' || c == '"' || c == '[' || c == ']' || c == '{' || c == '}';
            boolean cut = boundary || i + 1 - start >= 8;
            if (cut && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))) {
                tokens.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) tokens.add(text.substring(start));
        return tokens;
    }

    private static String first(List<String> words, Set<String> vocabulary) {
        for (String w : words) if (vocabulary.contains(w)) return w;
        return null;
    }

    private static String defaultStyle(String assetType) {
        return switch (assetType) {
            case "emote" -> "flat vector illustration with a thick outline";
            case "overlay" -> "clean flat design with transparent background";
            default -> "vibrant digital illustration";
        };
    }

    private static String defaultComposition(String assetType) {
        return switch (assetType) {
            case "thumbnail" -> "subject large on the left third, bold title space on the right";
            case "banner" -> "subject centred in the safe area, wide background";
            case "emote" -> "head and shoulders, centred, plain background";
            default -> "elements framed along the edges, centre left clear";
        };
    }
}
