package io.streamgate.platform.auth;

/** An access token was refused; {@code reason} is a short slug safe to show to the caller. */
public final class InvalidTokenException extends Exception {
    private final String reason;

    public InvalidTokenException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
