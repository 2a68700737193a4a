package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

    @Test
    void rolesParseWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // Upper-cased in Turkish, "api" and "ingest" would gain a dotted capital I and match no role.
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(LaunchOptions.parse("api").role()).isEqualTo(LaunchOptions.Role.API);
            assertThat(LaunchOptions.parse("ingest").role()).isEqualTo(LaunchOptions.Role.INGEST);
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void versionNeedsNoRole() {
        LaunchOptions options = LaunchOptions.parse("--version");
        assertThat(options.version()).isTrue();
        assertThat(options.role()).isNull();
    }
}
