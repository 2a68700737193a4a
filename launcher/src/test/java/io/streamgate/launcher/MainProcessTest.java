package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point in a child JVM: exit statuses and what the operator reads. */
class MainProcessTest {
    @TempDir
    Path dataDir;

    record Run(int exit, String out, String err) {}

    Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("DATABASE_") || k.startsWith("HTTP_"));
        pb.environment().put("STREAMGATE_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheRolesAndFlags() throws Exception {
        Run run = run(Map.of(), "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: ./streamgate <role> [flags]")
                .contains("dev").contains("all").contains("ingest").contains("processors").contains("api")
                .contains("--port").contains("--data-dir").contains("--fresh").contains("--tls").contains("--kafka-port");
    }

    @Test
    void configurationErrorsExitWith78AndListEveryProblem() throws Exception {
        Run run = run(Map.of("HTTP_PORT", "eighty", "CORS_ALLOWED_ORIGINS", "*"), "all");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.err()).contains("invalid configuration:")
                .contains("  - HTTP_PORT must be a whole number, got 'eighty'")
                .contains("  - KAFKA_BOOTSTRAP_SERVERS is required outside dev")
                .contains("  - CORS_ALLOWED_ORIGINS entries must be exact origins");
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Run run = run(Map.of(), "everything");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown role 'everything'").contains("Usage:");
    }
}
