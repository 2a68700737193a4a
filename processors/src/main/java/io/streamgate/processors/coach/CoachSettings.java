package io.streamgate.processors.coach;

import io.streamgate.platform.config.Env;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The coach worker's configuration: the offline model (default) or an OpenAI-compatible
 * endpoint when {@code COACH_LLM_URL} is set.
 */
public record CoachSettings(CoachModel model, int workerThreads) {

    public static CoachSettings from(Env env) {
        Duration tokenDelay = env.duration("COACH_TOKEN_DELAY", Duration.ofMillis(15), true);
        int threads = env.integer("COACH_WORKER_THREADS", 16, 1, 1024);
        var url = env.optional("COACH_LLM_URL");
        CoachModel model;
        if (url.isPresent()) {
            URI uri;
            try {
                uri = URI.create(url.get());
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                env.problem("COACH_LLM_URL must be an http(s) URL of a chat-completions endpoint, e.g. https://api.openai.com/v1/chat/completions");
                uri = URI.create("http://invalid");
            }
            model = new OpenAiCoachModel(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), uri,
                    env.string("COACH_LLM_MODEL", "gpt-4o-mini"), env.optional("COACH_LLM_API_KEY").orElse(null),
                    env.duration("COACH_LLM_TIMEOUT", Duration.ofSeconds(120), false));
        } else {
            model = new OfflineCoachModel(tokenDelay);
        }
        return new CoachSettings(model, threads);
    }
}
