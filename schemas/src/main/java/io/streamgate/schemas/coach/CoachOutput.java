package io.streamgate.schemas.coach;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One record of a session's output stream (key: session id). Sequence numbers start at 1 and
 * have no gaps; tokens come first, then exactly one terminal record ({@code done} or
 * {@code error}) whose seq is the last token's seq + 1.
 *
 * @param text the token text ({@code token} only)
 * @param answer the final answer object as the worker validated it ({@code done} only)
 * @param code why generation failed, for programs ({@code error} only, e.g. {@code model_failed});
 *     absent on records written before codes existed
 * @param reason why generation failed, for people ({@code error} only): a generic message,
 *     never the model provider's own error text and never a secret
 */
public record CoachOutput(UUID sessionId, long seq, Type type, String text, JsonNode answer, String code, String reason, Instant producedAt) {

    public enum Type {
        token, done, error
    }

    public static CoachOutput token(UUID sessionId, long seq, String text, Instant at) {
        return new CoachOutput(sessionId, seq, Type.token, text, null, null, null, at);
    }

    public static CoachOutput done(UUID sessionId, long seq, JsonNode answer, Instant at) {
        return new CoachOutput(sessionId, seq, Type.done, null, answer, null, null, at);
    }

    public static CoachOutput error(UUID sessionId, long seq, String code, String reason, Instant at) {
        return new CoachOutput(sessionId, seq, Type.error, null, null, code, reason, at);
    }

    public boolean terminal() {
        return type != Type.token;
    }
}
