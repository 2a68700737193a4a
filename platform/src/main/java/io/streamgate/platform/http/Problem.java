package io.streamgate.platform.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import java.util.Map;

/**
 * An RFC 9457 problem body ({@code application/problem+json}). {@code type} is a short
 * stable slug clients can switch on, e.g. {@code invalid_signature} or {@code token_reused}.
 */
public record Problem(String type, String title, int status, String detail, String requestId,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";

    @JsonAnyGetter
    public Map<String, Object> any() {
        return extensions == null ? Map.of() : extensions;
    }
}
