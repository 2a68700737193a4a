package io.streamgate.schemas.coach;

import java.time.Instant;
import java.util.UUID;

/**
 * A request for coaching, written by the API when a session is created (key: session id).
 *
 * @param brandKit a snapshot of the brand kit as the user saw it when asking (null when none),
 *     so the worker never reads another user's rows and a later edit does not change an answer
 */
public record CoachRequest(
        UUID sessionId,
        UUID userId,
        String prompt,
        String assetType,
        BrandKitSnapshot brandKit,
        Instant requestedAt) {

    /** The brand kit fields the coach checks a prompt against. */
    public record BrandKitSnapshot(UUID id, String name, java.util.List<String> colors, java.util.List<String> fonts, String tone, Integer version) {}
}
