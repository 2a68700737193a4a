package io.streamgate.platform.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets come from the environment, under the names {@link Secret} registers. In {@code dev}
 * a missing one is generated once and kept in {@code <data-dir>/secrets.properties} (mode 600,
 * written atomically, tightened if found looser), so restarts keep working and no secret ever
 * lives in the repository. Outside dev a missing required secret is a config problem, and so
 * is every secret in the environment that is too short to be a key ({@link Secret#weaknesses}).
 * Values are never logged.
 */
public final class Secrets {
    private static final Logger log = LoggerFactory.getLogger(Secrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Env env;
    private final Path devFile;
    private final Properties generated = new Properties();

    private Secrets(Env env, Path devFile) {
        this.env = env;
        this.devFile = devFile;
        if (devFile != null && Files.exists(devFile)) {
            try {
                PrivateFiles.tighten(devFile).ifPresent(before ->
                        log.warn("{} was {}: others could read the dev secrets; it is now rw-------", devFile, before));
                try (InputStream in = Files.newInputStream(devFile)) {
                    generated.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + devFile, e);
            }
        }
        if (devFile == null) judgeStrength();
    }

    /** Secrets from the environment only; every registered secret set there is judged now. */
    public static Secrets fromEnv(Env env) {
        return new Secrets(env, null);
    }

    /** Secrets from the environment, generating missing ones into {@code file}. */
    public static Secrets dev(Env env, Path file) {
        return new Secrets(env, file);
    }

    public boolean generatesMissing() {
        return devFile != null;
    }

    /** A required secret; a secret of 256 random bits (base64url) when generated. */
    public String get(String name) {
        return get(name, Secrets::randomToken);
    }

    /** A required secret: outside dev, its absence is a config problem (and null is returned). */
    public synchronized String get(String name, Supplier<String> generator) {
        registered(name);
        var fromEnv = env.optional(name);
        if (fromEnv.isPresent()) return fromEnv.get();
        if (devFile == null) {
            env.problem(name + " is required (it is generated only in dev)");
            return null;
        }
        return generated(name, generator);
    }

    /**
     * A secret whose absence outside dev only disables what it guards (the caller answers 503
     * and warns); generated in dev like {@link #get}.
     */
    public synchronized Optional<String> optional(String name, Supplier<String> generator) {
        registered(name);
        var fromEnv = env.optional(name);
        if (fromEnv.isPresent() || devFile == null) return fromEnv;
        return Optional.of(generated(name, generator));
    }

    public Optional<String> optional(String name) {
        return optional(name, Secrets::randomToken);
    }

    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void registered(String name) {
        Secret secret = Secret.of(name);
        if (secret == null || secret.family()) {
            throw new IllegalArgumentException(name + " is not a registered secret: add it to " + Secret.class.getName());
        }
    }

    /** Outside dev, at start: every registered secret present in the environment, so one start lists every weak one. */
    private void judgeStrength() {
        Map<String, String> sorted = new TreeMap<>(env.values());
        sorted.forEach((variable, value) -> {
            Secret secret = Secret.of(variable);
            if (secret != null && value != null && !value.isBlank()) {
                secret.weaknesses(variable, value.trim()).forEach(env::problem);
            }
        });
    }

    private String generated(String name, Supplier<String> generator) {
        String existing = generated.getProperty(name);
        if (existing != null) return existing;
        String value = generator.get();
        generated.setProperty(name, value);
        save();
        return value;
    }

    private void save() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            generated.store(bytes, "Streamgate dev secrets, generated on first start. Never commit this file.");
            PrivateFiles.write(devFile, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + devFile, e);
        }
    }
}
