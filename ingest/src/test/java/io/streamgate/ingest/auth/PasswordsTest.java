package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    // small parameters keep the test fast; production uses OWASP's (19 MiB, t=2)
    final Passwords passwords = new Passwords(1024, 1, 1);

    @Test
    void argon2idHashesVerifyOnlyTheirPassword() {
        String phc = passwords.hash("correct horse battery");
        assertThat(phc).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("correct");
        assertThat(passwords.verify("correct horse battery", phc)).isTrue();
        assertThat(passwords.verify("correct horse batterz", phc)).isFalse();
        assertThat(passwords.hash("correct horse battery")).isNotEqualTo(phc);
        assertThat(passwords.verify("x", "not a hash")).isFalse();
        assertThat(passwords.verifyDummy("anything")).isFalse();
    }

    @Test
    void theDefaultsAreOwasps() {
        assertThat(Passwords.owaspDefaults().hash("p")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }
}
