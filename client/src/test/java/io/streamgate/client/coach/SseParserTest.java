package io.streamgate.client.coach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private final List<SseEvent> events = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final SseParser parser = new SseParser(new SseParser.Handler() {
        @Override
        public void onEvent(SseEvent event) {
            events.add(event);
        }

        @Override
        public void onRetry(long millis) {
            retries.add(millis);
        }

        @Override
        public void onComment(String comment) {
            comments.add(comment);
        }
    });

    @Test
    void anEventIsDispatchedOnABlankLineWithItsTypeDataAndId() {
        parser.feed("event: token\nid: 7\ndata: {\"a\":1}\n\n");

        assertThat(events).containsExactly(new SseEvent("token", "{\"a\":1}", "7"));
    }

    @Test
    void dataLinesAreJoinedWithLineFeedsAndTheLastOneDropped() {
        parser.feed("data: first\ndata\ndata:  third\n\n");

        assertThat(events).containsExactly(new SseEvent("message", "first\n\n third", ""));
    }

    @Test
    void crLfCrAndLfAreAllLineEndingsEvenWhenSplitAcrossChunks() {
        String stream = "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\r\n";
        for (char c : stream.toCharArray()) parser.feed(String.valueOf(c)); // the worst chunking there is

        assertThat(events).extracting(SseEvent::data).containsExactly("a", "b", "c", "d");
    }

    @Test
    void commentsAreReportedAndNeverDispatched() {
        parser.feed(": heartbeat\n\n:\ndata: x\n\n");

        assertThat(comments).containsExactly(" heartbeat", "");
        assertThat(events).extracting(SseEvent::data).containsExactly("x");
    }

    @Test
    void retryIsHonouredOnlyWhenItIsAllDigits() {
        parser.feed("retry: 2000\nretry: 15x\nretry: -1\nretry:\nretry: 99999999999999999999999\nretry:300\n\n");

        assertThat(retries).containsExactly(2000L, 300L);
    }

    @Test
    void anIdIsKeptAcrossEventsUntilChangedAndAnIdWithNulIsIgnored() {
        parser.feed("id: 3\ndata: a\n\ndata: b\n\nid: 4\u00005\ndata: c\n\nid\ndata: d\n\n");

        assertThat(events).extracting(SseEvent::lastEventId).containsExactly("3", "3", "3", "");
    }

    @Test
    void anEventWithoutDataIsNotDispatchedButItsIdStillCounts() {
        parser.feed("event: token\nid: 9\n\n");

        assertThat(events).isEmpty();
        assertThat(parser.lastEventId()).isEqualTo("9");
        parser.feed("data: after\n\n");
        assertThat(events).containsExactly(new SseEvent("message", "after", "9"));
    }

    @Test
    void anUnterminatedEventAtTheEndOfTheStreamIsNotDispatched() {
        parser.feed("data: complete\n\nevent: token\ndata: half");

        assertThat(events).extracting(SseEvent::data).containsExactly("complete");
    }

    @Test
    void aLeadingByteOrderMarkIsSkippedAndUnknownFieldsIgnored() {
        parser.feed("\uFEFFdata: x\nfoo: bar\n\n");

        assertThat(events).containsExactly(new SseEvent("message", "x", ""));
    }

    @Test
    void onlyTheFirstColonSeparatesFieldFromValue() {
        parser.feed("data: {\"t\":\"a: b\"}\n\n");

        assertThat(events).extracting(SseEvent::data).containsExactly("{\"t\":\"a: b\"}");
    }

    @Test
    void theIdCarriedOverFromAPreviousConnectionIsTheStartingPoint() {
        SseParser resumed = new SseParser(events::add, "41");
        resumed.feed("data: x\n\n");

        assertThat(events).containsExactly(new SseEvent("message", "x", "41"));
    }
}
