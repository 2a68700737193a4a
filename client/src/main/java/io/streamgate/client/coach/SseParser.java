package io.streamgate.client.coach;

/**
 * An incremental Server-Sent Events parser following the WHATWG HTML "event stream
 * interpretation" rules, so this client reads a stream exactly as a browser's EventSource
 * does: lines end in CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of
 * the next are one line ending); a leading BOM is skipped; lines starting with ':' are
 * comments; {@code field:value} drops one space after the colon; a line without a colon is a
 * field with an empty value; {@code data} lines accumulate with LF; {@code id} containing NUL
 * is ignored; {@code retry} is honoured only when it is all ASCII digits; a blank line
 * dispatches the event (nothing when the data buffer is empty); an unterminated event at the
 * end of the stream is discarded. Unknown fields are ignored.
 *
 * <p>Feed it decoded text in chunks of any size; it is not thread-safe.
 */
public final class SseParser {

    /** What the parser reports. */
    public interface Handler {
        void onEvent(SseEvent event);

        /** A valid {@code retry:} field, in milliseconds. */
        default void onRetry(long millis) {}

        /** A comment line, without its leading ':' (heartbeats arrive here). */
        default void onComment(String comment) {}
    }

    private final Handler handler;
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer;
    private String lastEventId;
    private boolean afterCr;
    private boolean started;

    /** @param lastEventId the id carried over from a previous connection ("" for none) */
    public SseParser(Handler handler, String lastEventId) {
        this.handler = handler;
        this.lastEventId = lastEventId == null ? "" : lastEventId;
        this.lastEventIdBuffer = this.lastEventId;
    }

    public SseParser(Handler handler) {
        this(handler, "");
    }

    /** The last event id string as of the last dispatch (what a reconnect sends as Last-Event-ID). */
    public String lastEventId() {
        return lastEventId;
    }

    public void feed(CharSequence chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (!started) {
                started = true;
                if (c == '\uFEFF') continue;
            }
            if (afterCr) {
                afterCr = false;
                if (c == '\n') continue; // the LF of a CRLF whose CR ended the previous line
            }
            if (c == '\r') {
                afterCr = true;
                endOfLine();
            } else if (c == '\n') {
                endOfLine();
            } else {
                line.append(c);
            }
        }
    }

    private void endOfLine() {
        if (line.length() == 0) {
            dispatch();
            return;
        }
        String l = line.toString();
        line.setLength(0);
        if (l.charAt(0) == ':') {
            handler.onComment(l.substring(1));
            return;
        }
        int colon = l.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = l;
            value = "";
        } else {
            field = l.substring(0, colon);
            int start = colon + 1;
            if (start < l.length() && l.charAt(start) == ' ') start++;
            value = l.substring(start);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) lastEventIdBuffer = value;
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    try {
                        handler.onRetry(Long.parseLong(value));
                    } catch (NumberFormatException tooLarge) {
                        // more digits than a long holds: not a usable reconnection time; ignored
                    }
                }
            }
            default -> {
                // unknown fields are ignored, as the spec says
            }
        }
    }

    private void dispatch() {
        lastEventId = lastEventIdBuffer;
        if (data.length() == 0) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        SseEvent event = new SseEvent(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId);
        data.setLength(0);
        eventType = "";
        handler.onEvent(event);
    }
}
