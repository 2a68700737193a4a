package io.streamgate.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Secrets come from the environment. In {@code dev} a missing one is generated once and
 * kept in {@code <data-dir>/secrets.properties} (mode 600), so restarts keep working and no
 * secret ever lives in the repository. Outside dev a missing secret is a config problem.
 * Values are never logged.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Env env;
    private final Path devFile;
    private final Properties generated = new Properties();

    private Secrets(Env env, Path devFile) {
        this.env = env;
        this.devFile = devFile;
        if (devFile != null && Files.exists(devFile)) {
            try (InputStream in = Files.newInputStream(devFile)) {
                generated.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + devFile, e);
            }
        }
    }

    /** Secrets from the environment only. */
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

    /** A secret of 256 random bits (base64url) when generated. */
    public String get(String name) {
        return get(name, Secrets::randomToken);
    }

    public synchronized String get(String name, Supplier<String> generator) {
        var fromEnv = env.optional(name);
        if (fromEnv.isPresent()) return fromEnv.get();
        if (devFile == null) {
            env.problem(name + " is required (it is generated only in dev)");
            return null;
        }
        String existing = generated.getProperty(name);
        if (existing != null) return existing;
        String value = generator.get();
        generated.setProperty(name, value);
        save();
        return value;
    }

    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void save() {
        try {
            Files.createDirectories(devFile.getParent());
            if (!Files.exists(devFile)) {
                Files.createFile(devFile);
                try {
                    Files.setPosixFilePermissions(devFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
            }
            try (OutputStream out = Files.newOutputStream(devFile)) {
                generated.store(out, "Streamgate dev secrets, generated on first start. Never commit this file.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + devFile, e);
        }
    }
}
