package io.streamgate.api.resources;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The position after the last row of a page, for keyset pagination on
 * {@code (created_at desc, id desc)}: the next page is the rows strictly after it. Rows that
 * existed when the client started are neither repeated nor skipped however many rows are
 * inserted meanwhile (new rows sort first, before the position). Opaque to clients:
 * base64url of "v1:epoch micros:id"; microseconds because that is Postgres' precision.
 */
public record Cursor(Instant createdAt, UUID id) {
    private static final String PREFIX = "v1:";
    /**
     * Rows are created now, so a position outside these years was never issued; binding one
     * beyond Postgres' range (4713 BC to 294276 AD) would fail the query instead of the cursor.
     */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    public String encode() {
        long micros = TimeUnit.SECONDS.toMicros(createdAt.getEpochSecond()) + createdAt.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or null when {@code raw} is not one this API issued. */
    public static Cursor decode(String raw) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
            if (!s.startsWith(PREFIX)) return null;
            String[] parts = s.substring(PREFIX.length()).split(":", 2);
            long micros = Long.parseLong(parts[0]);
            UUID id = UUID.fromString(parts[1]);
            Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) return null;
            return new Cursor(at, id);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }
}
