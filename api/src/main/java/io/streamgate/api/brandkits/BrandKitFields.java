package io.streamgate.api.brandkits;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.platform.http.FieldErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The writable fields of a brand kit in a request body, validated; a field missing from a
 * PATCH body is left unchanged, {@code null} clears the optional ones (tone, logo).
 * Unknown fields are refused rather than ignored, so a typo ("colours") is not silently lost.
 */
record BrandKitFields(boolean hasName, String name, boolean hasColors, List<String> colors, boolean hasFonts, List<String> fonts,
                      boolean hasTone, String tone, boolean hasLogo, UUID logoAssetId) {

    static final int MAX_NAME = 100;
    static final int MAX_COLORS = 32;
    static final int MAX_FONTS = 16;
    static final int MAX_FONT = 100;
    static final int MAX_TONE = 500;
    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
    private static final Set<String> WRITABLE = Set.of("name", "colors", "fonts", "tone", "logo_asset_id");
    private static final Set<String> READ_ONLY = Set.of("id", "user_id", "version", "created_at", "updated_at");

    /** Parses and validates; throws 422 naming every bad field. */
    static BrandKitFields parse(JsonNode body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (READ_ONLY.contains(field)) errors.add(field, "is read-only");
            else if (!WRITABLE.contains(field)) errors.add(field, "is not a brand kit field");
        }

        String name = null;
        if (body.has("name")) {
            JsonNode n = body.get("name");
            if (!n.isTextual() || n.asText().isBlank() || n.asText().strip().length() > MAX_NAME) {
                errors.add("name", "must be a non-blank string of at most " + MAX_NAME + " characters");
            } else {
                name = n.asText().strip();
            }
        } else if (creating) {
            errors.add("name", "is required");
        }

        List<String> colors = body.has("colors") ? strings(body.get("colors"), "colors", MAX_COLORS, errors, (value, field) -> {
            if (!COLOR.matcher(value).matches()) {
                errors.add(field, "must be a colour as #rrggbb");
                return null;
            }
            return value.toLowerCase(Locale.ROOT);
        }) : null;

        List<String> fonts = body.has("fonts") ? strings(body.get("fonts"), "fonts", MAX_FONTS, errors, (value, field) -> {
            String font = value.strip();
            if (font.isEmpty() || font.length() > MAX_FONT) {
                errors.add(field, "must be a non-blank font name of at most " + MAX_FONT + " characters");
                return null;
            }
            return font;
        }) : null;

        String tone = null;
        if (body.has("tone") && !body.get("tone").isNull()) {
            JsonNode t = body.get("tone");
            if (!t.isTextual() || t.asText().length() > MAX_TONE) {
                errors.add("tone", "must be a string of at most " + MAX_TONE + " characters, or null");
            } else {
                tone = t.asText().isBlank() ? null : t.asText().strip();
            }
        }

        UUID logo = null;
        if (body.has("logo_asset_id") && !body.get("logo_asset_id").isNull()) {
            logo = uuid(body.get("logo_asset_id"));
            if (logo == null) errors.add("logo_asset_id", "must be the id of one of your assets, or null");
        }

        errors.throwIfAny();
        return new BrandKitFields(body.has("name"), name, body.has("colors"), colors, body.has("fonts"), fonts,
                body.has("tone"), tone, body.has("logo_asset_id"), logo);
    }

    private interface Item {
        String check(String value, String field);
    }

    private static List<String> strings(JsonNode node, String field, int max, FieldErrors errors, Item item) {
        if (!node.isArray()) {
            errors.add(field, "must be an array of strings");
            return List.of();
        }
        if (node.size() > max) {
            errors.add(field, "must have at most " + max + " items");
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String itemField = field + "[" + i + "]";
            JsonNode v = node.get(i);
            if (!v.isTextual()) {
                errors.add(itemField, "must be a string");
                continue;
            }
            String checked = item.check(v.asText(), itemField);
            if (checked != null) values.add(checked);
        }
        return values;
    }

    private static UUID uuid(JsonNode node) {
        if (!node.isTextual()) return null;
        try {
            return UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
