package io.streamgate.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {

    @Test
    void aLogLineIsOneJsonObjectWithAnIsoUtcTimeAndTheRequestId() throws Exception {
        LoggerContext context = new LoggerContext();
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.setWithTimestamp(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("http.access"), Level.INFO, "GET {} 200", null, new Object[] {"/v1/things"});
        event.setTimeStamp(Instant.parse("2026-11-28T04:05:06.789Z").toEpochMilli());
        event.setMDCPropertyMap(Map.of("request_id", "req-1"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = Json.mapper().readTree(line);
        assertThat(json.get("time").asText()).isEqualTo("2026-11-28T04:05:06.789Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("GET /v1/things 200");
        assertThat(json.toString()).contains("req-1");
    }
}
