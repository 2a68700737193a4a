package io.streamgate.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/** The listed Kafka warnings are dropped; the same loggers' other warnings, and the same text at ERROR, are not. */
class KnownNoiseTest {

    @Test
    void dropsOnlyTheListedWarnings() {
        LoggerContext context = new LoggerContext();
        context.addTurboFilter(new KnownNoise());
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);

        Logger controller = context.getLogger("org.apache.kafka.controller.QuorumController");
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        controller.warn("[QuorumController id=1] Performing controller activation.");
        network.warn("[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that has already been closed.");
        controller.warn("[QuorumController id=1] Renouncing the leadership due to a metadata log event.");
        network.error("Attempting to close NetworkClient that has already been closed.");
        context.getLogger("org.apache.kafka.streams.Other").warn("Performing controller activation");
        Logger topics = context.getLogger("org.apache.kafka.server.DefaultAutoTopicCreationManager");
        topics.warn("Auto topic creation failed for {} with error '{}': {}.", "__transaction_state", "TOPIC_ALREADY_EXISTS", "exists");
        topics.warn("Auto topic creation failed for {} with error '{}': {}.", "__transaction_state", "POLICY_VIOLATION", "refused");

        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "[QuorumController id=1] Renouncing the leadership due to a metadata log event.",
                "Attempting to close NetworkClient that has already been closed.",
                "Performing controller activation",
                "Auto topic creation failed for __transaction_state with error 'POLICY_VIOLATION': refused.");
    }
}
