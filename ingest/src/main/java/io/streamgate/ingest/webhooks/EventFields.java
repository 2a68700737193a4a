package io.streamgate.ingest.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.OrderingKey;
import java.io.IOException;

/**
 * The top-level fields ingest checks before it accepts an event, read in one streaming pass
 * over the verified body. The whole document's syntax is checked, but no tree is built: the
 * payload travels on as the signed text, so a tree would only be thrown away.
 *
 * @param id the top-level {@code id} when it is a non-blank string, else null
 * @param type the top-level {@code type} when it is a non-blank string, else null
 * @param integerCreated whether {@code created} is a number that fits a long
 * @param object the ids {@link OrderingKey} reads from {@code data.object} when that is a JSON
 *     object, else null
 */
record EventFields(String id, String type, boolean integerCreated, OrderingKey.ObjectIds object) {

    boolean objectData() {
        return object != null;
    }

    /** The record key of this Stripe event on {@code webhooks.received.v2}. */
    String orderingKey() {
        return OrderingKey.of("stripe", id, type, object);
    }

    /** Thrown when the body is not exactly one JSON object. */
    static final class NotAnObject extends Exception {
        NotAnObject(String message) {
            super(message, null, false, false);
        }
    }

    static EventFields read(byte[] body) throws IOException, NotAnObject {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new NotAnObject("the body must be a JSON object");
            String id = null;
            String type = null;
            boolean created = false;
            OrderingKey.ObjectIds data = null;
            // A repeated field counts as its last occurrence, as a tree parser would keep it.
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> id = OrderingKey.text(p, value);
                    case "type" -> type = OrderingKey.text(p, value);
                    case "created" -> created = fitsLong(p, value);
                    case "data" -> data = value == JsonToken.START_OBJECT ? OrderingKey.readData(p) : skipToNull(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw new NotAnObject("the body must be one JSON object with nothing after it");
            return new EventFields(id, type, created, data);
        }
    }

    private static boolean skip(JsonParser p) throws IOException {
        p.skipChildren();
        return false;
    }

    private static boolean fitsLong(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT -> p.getNumberType() != JsonParser.NumberType.BIG_INTEGER || p.getBigIntegerValue().bitLength() < 64;
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue() >= Long.MIN_VALUE && p.getDoubleValue() <= Long.MAX_VALUE;
            default -> skip(p);
        };
    }

    private static OrderingKey.ObjectIds skipToNull(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
