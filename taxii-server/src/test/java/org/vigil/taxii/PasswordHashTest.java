package org.vigil.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Password and token hashes, the users that use them, and the {@code hash-password} command. */
class PasswordHashTest {

    @Test
    void aHashVerifiesItsPasswordOnlyAndIsSalted() {
        String hash = PasswordHash.hash("correct horse".toCharArray(), 1000);

        assertThat(hash).startsWith("pbkdf2-sha256$1000$");
        assertThat(PasswordHash.verify("correct horse".toCharArray(), hash)).isTrue();
        assertThat(PasswordHash.verify("correct horsE".toCharArray(), hash)).isFalse();
        assertThat(PasswordHash.hash("correct horse".toCharArray(), 1000)).isNotEqualTo(hash);
    }

    @Test
    void usersAuthenticateByBasicOrBearerAndNothingElse() {
        String token = PasswordHash.newToken();
        UserDirectory users = UserDirectory.of(Map.of("ncsc", PasswordHash.hash("s3cret".toCharArray(), 1000)),
                Map.of("feed", Set.of(PasswordHash.tokenHash(token))));

        assertThat(users.authenticate(basic("ncsc", "s3cret"))).isEqualTo("ncsc");
        assertThat(users.authenticate(basic("ncsc", "s3cret"))).as("second time, from the cache").isEqualTo("ncsc");
        assertThat(users.authenticate(basic("ncsc", "wrong"))).isNull();
        assertThat(users.authenticate(basic("feed", "s3cret"))).isNull();
        assertThat(users.authenticate("Bearer " + token)).isEqualTo("feed");
        assertThat(users.authenticate("Bearer " + token + "x")).isNull();
        assertThat(users.authenticate("Digest abc")).isNull();
        assertThat(users.authenticate(null)).isNull();
    }

    @Test
    void aMalformedStoredHashIsRefusedWithTheUser() {
        assertThatThrownBy(() -> UserDirectory.of(Map.of("ncsc", "plain-password"), Map.of()))
                .hasMessageContaining("ncsc").hasMessageContaining("hash-password");
        assertThatThrownBy(() -> UserDirectory.of(Map.of(), Map.of("feed", Set.of("token-in-clear"))))
                .hasMessageContaining("feed").hasMessageContaining("new-token");
    }

    @Test
    void hashPasswordCommandPrintsAHashOfTheGivenPassword() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new TaxiiCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err),
                new ByteArrayInputStream("pa55word\n".getBytes(StandardCharsets.UTF_8)))
                .run(List.of("hash-password", "--iterations", "1000"));

        assertThat(code).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(PasswordHash.verify("pa55word".toCharArray(), hash)).isTrue();
    }

    @Test
    void theCommandSaysWhatToDoOnBadArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new TaxiiCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0])).run(List.of("--port", "5000"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config FILE");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
