package io.streamgate.processors.coach;

import io.streamgate.schemas.coach.CoachRequest;

/**
 * Something that writes a coach answer token by token. The concatenated tokens must be the
 * JSON of an answer (schemas/coach.answer.schema.json); the worker checks that, not the model.
 * Implementations block the calling worker-pool thread while they generate.
 */
public interface CoachModel {

    /** Receives the tokens as they are generated. */
    interface TokenSink {
        void token(String text) throws Exception;
    }

    /** Generates the answer into {@code sink}; throws when generation fails (tokens sent so far stay). */
    void generate(CoachRequest request, TokenSink sink) throws Exception;

    /** A short name for logs and metrics. */
    String name();
}
