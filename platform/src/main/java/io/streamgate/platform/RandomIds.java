package io.streamgate.platform;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for request and delivery ids, from a {@link SecureRandom} per
 * thread. {@link UUID#randomUUID()} draws from one process-wide generator behind one lock (on
 * Linux reading {@code /dev/urandom} under it), and with every request thread taking an id or
 * two per request that lock was among the most contended in an ingest profile (BENCHMARKS.md,
 * ## Webhooks, the {@code RandomIds} step). The ids stay as unpredictable as before; only the
 * lock goes.
 */
public final class RandomIds {
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

    private RandomIds() {}

    public static UUID uuid() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(b);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    public static String uuidString() {
        return uuid().toString();
    }
}
