package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComposeSecrets writes .env owner-only, with every secret compose passes, keeping what is there. */
class ComposeSecretsTest {
    @TempDir
    Path dir;

    static Map<String, String> assignments(Path file) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#") || !line.contains("=")) continue;
            values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return values;
    }

    @Test
    void aNewEnvFileIsOwnerOnlyAndHoldsEverySecretStrongEnoughOutsideDev() throws Exception {
        Path env = dir.resolve(".env");
        List<String> added = ComposeSecrets.writeEnvFile(env);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
        assertThat(added).containsExactlyElementsOf(ComposeSecrets.generate().keySet()).contains("OPERATOR_TOKEN", "STRIPE_WEBHOOK_SECRETS");
        Map<String, String> values = assignments(env);
        for (String name : added) {
            String quoted = values.get(name);
            assertThat(quoted).as(name).startsWith("'").endsWith("'");
            String value = quoted.substring(1, quoted.length() - 1);
            assertThat(Secret.of(name).weaknesses(name, value)).as(name).isEmpty();
        }
    }

    @Test
    void anExistingLooseFileKeepsItsLinesAndValuesGainsWhatIsMissingAndBecomesOwnerOnly() throws Exception {
        Path env = dir.resolve(".env");
        String jwt = "'" + io.streamgate.platform.auth.JwtKeySet.generateJson() + "'";
        Files.writeString(env, "# mine\nCORS_ALLOWED_ORIGINS=https://app.example.com\nJWT_SIGNING_KEYS=" + jwt + "\nREFRESH_TOKEN_SECRET='kept'");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));

        List<String> added = ComposeSecrets.writeEnvFile(env);

        assertThat(added).doesNotContain("JWT_SIGNING_KEYS", "REFRESH_TOKEN_SECRET").contains("OPERATOR_TOKEN", "DATABASE_APP_PASSWORD");
        assertThat(Files.readString(env)).startsWith("# mine\nCORS_ALLOWED_ORIGINS=https://app.example.com\nJWT_SIGNING_KEYS=" + jwt
                + "\nREFRESH_TOKEN_SECRET='kept'\n");
        assertThat(assignments(env)).containsKeys(ComposeSecrets.generate().keySet().toArray(String[]::new));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");

        assertThat(ComposeSecrets.writeEnvFile(env)).as("a second run adds nothing").isEmpty();
    }
}
