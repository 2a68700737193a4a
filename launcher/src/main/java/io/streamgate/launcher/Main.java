package io.streamgate.launcher;

import ch.qos.logback.classic.LoggerContext;
import io.streamgate.platform.Version;
import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.db.DatabaseUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** {@code ./streamgate <role> [flags]}: starts a role and runs until Ctrl-C or SIGTERM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (LaunchOptions.UsageException e) {
            System.err.println("streamgate: " + e.getMessage() + "\n\n" + LaunchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LaunchOptions.USAGE);
            return;
        }
        if (options.version()) {
            System.out.println("streamgate " + Version.current());
            return;
        }
        if (options.migrate()) {
            System.exit(migrate(options));
            return;
        }
        // One hook for every way out (SIGTERM, Ctrl-C, a failed start's exit): stop the role, then
        // logging, which drains the asynchronous log appender so the last lines are not lost.
        AtomicReference<Streamgate> started = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Streamgate role = started.get();
            if (role != null) {
                System.err.println("streamgate: stopping");
                role.close();
            }
            stopLogging();
            stopped.countDown();
        }, "shutdown"));
        Streamgate running;
        try {
            running = Streamgate.start(options, System.getenv());
        } catch (ConfigException | DatabaseUnavailableException e) {
            System.err.println("streamgate: " + e.getMessage());
            System.exit(78); // EX_CONFIG
            return;
        }
        started.set(running);
        System.out.println(running.banner());
        stopped.await();
    }

    /** {@code ./streamgate migrate}: a deploy step that migrates and exits, never serving. */
    private static int migrate(LaunchOptions options) {
        try {
            String version = Streamgate.migrate(options, System.getenv());
            System.out.println("streamgate: database migrated, schema version " + version);
            return 0;
        } catch (ConfigException | DatabaseUnavailableException e) {
            System.err.println("streamgate: " + e.getMessage());
            return 78; // EX_CONFIG
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("migration failed", e);
            System.err.println("streamgate: migration failed: " + e.getMessage());
            return 1;
        } finally {
            stopLogging();
        }
    }

    private static void stopLogging() {
        ILoggerFactory logging = LoggerFactory.getILoggerFactory();
        if (logging instanceof LoggerContext context) context.stop();
    }
}
