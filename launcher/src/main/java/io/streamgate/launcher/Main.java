package io.streamgate.launcher;

import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.db.DatabaseUnavailableException;
import java.util.concurrent.CountDownLatch;

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
        Streamgate running;
        try {
            running = Streamgate.start(options, System.getenv());
        } catch (ConfigException | DatabaseUnavailableException e) {
            System.err.println("streamgate: " + e.getMessage());
            System.exit(78); // EX_CONFIG
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("streamgate: stopping");
            running.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println(running.banner());
        stopped.await();
    }
}
