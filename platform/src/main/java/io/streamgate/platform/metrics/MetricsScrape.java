package io.streamgate.platform.metrics;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/**
 * The registry's Prometheus text, rendered at most once per {@link #MAX_AGE} whatever the
 * number of scrapers (concurrent scrapers wait for the one rendering), kept plain and
 * gzipped: rendering every histogram and compressing the result per request is what a
 * flood of {@code /metrics} would otherwise cost. Scrapers poll every few seconds at the
 * most, so a second-old text loses them nothing.
 */
public final class MetricsScrape {
    public static final Duration MAX_AGE = Duration.ofSeconds(1);
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** One rendering: the text as UTF-8 and the same bytes gzipped. */
    public record Rendered(byte[] text, byte[] gzip) {}

    private final LoadingCache<Boolean, Rendered> latest;

    public MetricsScrape(PrometheusMeterRegistry registry) {
        this.latest = Caffeine.newBuilder()
                .expireAfterWrite(MAX_AGE)
                // Eviction bookkeeping on the caller's thread: no common-pool tasks for one entry.
                .executor(Runnable::run)
                .build(key -> render(registry));
    }

    public Rendered latest() {
        return latest.get(Boolean.TRUE);
    }

    private static Rendered render(PrometheusMeterRegistry registry) {
        byte[] text = registry.scrape().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream(text.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rendered(text, gzipped.toByteArray());
    }
}
