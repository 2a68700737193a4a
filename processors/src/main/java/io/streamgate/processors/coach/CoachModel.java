package io.streamgate.processors.coach;

import io.streamgate.schemas.coach.CoachRequest;

/**
 * Something that writes a coach answer token by token. The concatenated tokens must be the
 * JSON of an answer (schemas/coach.answer.schema.json); the worker checks that, not the model.
 * Implementations block the calling worker-pool thread while they generate, and never write
 * more than their configured token limit ({@code COACH_LLM_MAX_TOKENS}).
 */
public interface CoachModel {
    /** The answer limit when none is configured: room for a refined 4,000-character prompt and its tips. */
    int DEFAULT_MAX_TOKENS = 2048;

    /** Receives the tokens as they are generated. */
    interface TokenSink {
        void token(String text) throws Exception;
    }

    /**
     * The answer reached the token limit before it was complete. Distinct from other failures
     * because the cure differs: a shorter prompt or a higher limit, not a retry.
     */
    final class TokenLimitReached extends Exception {
        public TokenLimitReached(int maxTokens) {
            super("the answer reached the limit of " + maxTokens + " tokens before it was complete");
        }
    }

    /**
     * Generates the answer into {@code sink}; throws when generation fails (tokens sent so far
     * stay), {@link TokenLimitReached} when the answer was cut at the token limit. Exception
     * messages reach logs only, never users.
     */
    void generate(CoachRequest request, TokenSink sink) throws Exception;

    /** A short name for logs and metrics. */
    String name();
}
