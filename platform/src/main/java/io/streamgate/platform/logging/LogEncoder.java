package io.streamgate.platform.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import co.elastic.logging.logback.EcsEncoder;
import io.streamgate.platform.Version;
import java.util.Locale;

/**
 * The process's log line, chosen by {@code LOG_FORMAT}: {@code json}, one Elastic Common Schema
 * object per line ({@code @timestamp} ISO-8601 UTC, {@code log.level}, {@code log.logger},
 * {@code message}, {@code service.name} and {@code service.version}, the MDC's
 * {@code request_id}, {@code error.*}), which log pipelines read without a mapping; or
 * {@code text}, one coloured line per event for a person at a terminal. {@code auto} (the
 * default) is text when the process runs on a terminal, json otherwise.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %highlight(%-5level) %cyan(%logger{24}) %msg%replace( [%X{request_id}]){' \\[\\]', ''}%n";

    private String format = "auto";
    private Encoder<ILoggingEvent> delegate;

    /** {@code auto}, {@code json} or {@code text}; anything else is json. */
    public void setFormat(String format) {
        this.format = format == null ? "auto" : format.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void start() {
        boolean text = format.equals("text") || (format.equals("auto") && System.console() != null);
        if (text) {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern(TEXT_PATTERN);
            delegate = pattern;
        } else {
            EcsEncoder ecs = new EcsEncoder();
            ecs.setServiceName("streamgate");
            ecs.setServiceVersion(Version.current());
            delegate = ecs;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) delegate.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate == null ? null : delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate == null ? null : delegate.footerBytes();
    }
}
