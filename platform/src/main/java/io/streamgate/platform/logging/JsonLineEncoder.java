package io.streamgate.platform.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Logback's JSON encoder (one object per line, MDC included) with the event time as an
 * ISO-8601 UTC string in {@code "time"}, since log tooling and people read that directly;
 * logback itself only writes epoch milliseconds.
 */
public class JsonLineEncoder extends JsonEncoder {

    @Override
    public byte[] encode(ILoggingEvent event) {
        String json = new String(super.encode(event), StandardCharsets.UTF_8);
        if (!json.startsWith("{")) return json.getBytes(StandardCharsets.UTF_8);
        String rest = json.substring(1);
        String time = "{\"time\":\"" + Instant.ofEpochMilli(event.getTimeStamp()) + "\"" + (rest.startsWith("}") ? "" : ",");
        return (time + rest).getBytes(StandardCharsets.UTF_8);
    }
}
