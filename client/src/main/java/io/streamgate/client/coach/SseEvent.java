package io.streamgate.client.coach;

/**
 * One dispatched Server-Sent Event: its type ({@code message} when the stream named none),
 * its data (lines joined with LF, the final LF removed) and the stream's last event id at
 * dispatch time (empty when none was ever set), exactly as an EventSource reports them.
 */
public record SseEvent(String type, String data, String lastEventId) {}
