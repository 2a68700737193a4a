package io.streamgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** DATABASE_URL in both forms; a malformed one is explained without ever quoting its password. */
class DatabaseUrlTest {
    static final String PASSWORD = "Sup3rS3cretPw";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a space in the host           | postgres://app:Sup3rS3cretPw@db host:5432/app                 | DATABASE_URL is not a URL: illegal character in authority at character
            a bad escape in the password  | postgres://app:Sup3rS3cretPw%zz@db:5432/app                   | DATABASE_URL is not a URL: malformed escape pair at character 29 (write a literal % as %25)
            a bad escape in the query     | jdbc:postgresql://db:5432/app?user=app&password=Sup3rS3cretPw%| DATABASE_URL is not a URL: malformed escape pair at character 62
            a port that is not a number   | postgres://app:Sup3rS3cretPw@db:five/app                      | DATABASE_URL has a malformed host or port
            a port out of range           | postgres://app:Sup3rS3cretPw@db:99999/app                     | DATABASE_URL port must be between 1 and 65535, got 99999
            an unclosed IPv6 host         | postgres://app:Sup3rS3cretPw@[::1:5432/app                    | DATABASE_URL is not a URL
            another database              | mysql://app:Sup3rS3cretPw@db:3306/app                         | DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql://, got mysql://
            no scheme                     | app:Sup3rS3cretPw@db:5432/app                                 | DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql://
            the password as the scheme    | Sup3rS3cretPw:x@db/app                                        | DATABASE_URL must start with postgres://
            no slashes                    | postgres:app:Sup3rS3cretPw@db/app                             | DATABASE_URL must be written as postgres://user:password@host:port/database
            """)
    void aMalformedUrlIsExplainedWithoutItsPassword(String what, String url, String expected) {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> DatabaseUrl.parse(url));
        assertThat(e).as(what).isNotNull();
        assertThat(e.getMessage()).as(what).startsWith(expected).doesNotContain(PASSWORD).doesNotContain("S3cret");
        assertThat(e.getCause()).as(what + ": a cause's message could quote the URL").isNull();
    }

    @Test
    void throughTheConfigurationTheProblemCarriesNoPasswordEither(@TempDir Path dir) {
        Env env = new Env(Map.of("DATABASE_URL", "postgres://app:" + PASSWORD + "%zz@db/app"));
        DatabaseConfig.from(env, Secrets.dev(env, dir.resolve("secrets.properties")));
        assertThat(env.problems()).containsExactly("DATABASE_URL is not a URL: malformed escape pair at character 29 (write a literal % as %25)");
    }

    @Test
    void wellFormedUrlsStillParseInBothForms() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app:p%40ss%25word@db.example.com:5433/streamgate?sslmode=require");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("p@ss%word");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/streamgate?sslmode=require");
        assertThat(url.display()).doesNotContain("p@ss");

        DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://[::1]/app?user=app&password=secret");
        assertThat(jdbc.host()).isEqualTo("[::1]");
        assertThat(jdbc.port()).isEqualTo(5432);
        assertThat(jdbc.password()).isEqualTo("secret");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/app");

        assertThat(DatabaseUrl.parse(DatabaseUrl.DEFAULT).host()).isEqualTo("127.0.0.1");
    }
}
