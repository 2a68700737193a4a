package io.streamgate.platform.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects validation errors per field; {@link #throwIfAny()} answers 422 naming each one. */
public final class FieldErrors {
    private final List<Map<String, String>> errors = new ArrayList<>();

    public FieldErrors add(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        errors.add(error);
        return this;
    }

    public FieldErrors check(boolean ok, String field, String message) {
        return ok ? this : add(field, message);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (errors.isEmpty()) return;
        String fields = String.join(", ", errors.stream().map(e -> e.get("field")).toList());
        throw new ProblemException(422, "validation_failed", "Unprocessable Content", "invalid fields: " + fields)
                .with("errors", List.copyOf(errors));
    }
}
