package io.streamgate.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.platform.Version;
import io.streamgate.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogEncoderTest {
    private final LoggerContext context = new LoggerContext();

    private String encode(String format, String requestId) {
        LogEncoder encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("http.access"), Level.INFO, "GET {} 200", null, new Object[] {"/v1/things"});
        event.setTimeStamp(Instant.parse("2026-11-28T04:05:06.789Z").toEpochMilli());
        event.setMDCPropertyMap(requestId == null ? Map.of() : Map.of("request_id", requestId));
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneElasticCommonSchemaObjectPerLine() throws Exception {
        String line = encode("json", "req-1");

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = Json.mapper().readTree(line);
        assertThat(json.get("@timestamp").asText()).isEqualTo("2026-11-28T04:05:06.789Z");
        assertThat(json.get("log.level").asText()).isEqualTo("INFO");
        assertThat(json.get("log.logger").asText()).isEqualTo("http.access");
        assertThat(json.get("message").asText()).isEqualTo("GET /v1/things 200");
        assertThat(json.get("request_id").asText()).isEqualTo("req-1");
        assertThat(json.get("service.name").asText()).isEqualTo("streamgate");
        assertThat(json.get("service.version").asText()).isEqualTo(Version.current());
        assertThat(json.has("ecs.version")).isTrue();
    }

    @Test
    void textIsOneLineForAPersonWithTheRequestIdWhenThereIsOne() {
        String line = encode("text", "req-1");
        assertThat(line).contains("INFO").contains("http.access").contains("GET /v1/things 200 [req-1]").endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");

        assertThat(encode("text", null)).contains("GET /v1/things 200").doesNotContain("[]");
    }

    @Test
    void automaticIsJsonWithoutATerminal() throws Exception {
        // Tests run without a console, as services do.
        assertThat(System.console()).isNull();
        assertThat(Json.mapper().readTree(encode("auto", "req-2")).get("request_id").asText()).isEqualTo("req-2");
    }
}
