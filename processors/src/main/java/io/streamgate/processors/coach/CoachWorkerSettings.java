package io.streamgate.processors.coach;

import io.streamgate.platform.config.Env;
import io.streamgate.platform.http.ClientAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;

/**
 * The coach worker's configuration: the offline model (default) or an OpenAI-compatible
 * endpoint when {@code COACH_LLM_URL} is set.
 */
public record CoachWorkerSettings(CoachModel model, int workerThreads) {

    public static CoachWorkerSettings from(Env env) {
        Duration tokenDelay = env.duration("COACH_TOKEN_DELAY", Duration.ofMillis(15), true);
        int threads = env.integer("COACH_WORKER_THREADS", 16, 1, 1024);
        int maxTokens = env.integer("COACH_LLM_MAX_TOKENS", CoachModel.DEFAULT_MAX_TOKENS, 1, 1_000_000);
        var url = env.optional("COACH_LLM_URL");
        CoachModel model;
        if (url.isPresent()) {
            URI uri = llmUrl(env, url.get());
            model = new OpenAiCoachModel(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), uri,
                    env.string("COACH_LLM_MODEL", "gpt-4o-mini"), env.optional("COACH_LLM_API_KEY").orElse(null),
                    env.duration("COACH_LLM_TIMEOUT", Duration.ofSeconds(120), false), maxTokens);
        } else {
            model = new OfflineCoachModel(tokenDelay, maxTokens);
        }
        return new CoachWorkerSettings(model, threads);
    }

    /**
     * The endpoint, which must be https unless it is on this machine: the request carries the
     * API key and users' prompts, and plain http is only safe where it never leaves the host
     * (a local model server, a test double). Problems name the host, never the whole URL,
     * which may hold credentials.
     */
    private static URI llmUrl(Env env, String raw) {
        URI uri;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            env.problem("COACH_LLM_URL must be an http(s) URL of a chat-completions endpoint, e.g. https://api.openai.com/v1/chat/completions");
            return URI.create("https://invalid.invalid");
        }
        if (scheme.equals("http") && !ClientAddress.isLoopbackLiteral(uri.getHost())) {
            env.problem("COACH_LLM_URL must use https unless its host is a loopback address (127.0.0.0/8, ::1, localhost); got http to "
                    + uri.getHost());
        }
        return uri;
    }

}
