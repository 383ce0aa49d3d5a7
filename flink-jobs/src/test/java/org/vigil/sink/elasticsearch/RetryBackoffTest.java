package org.vigil.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheCap() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(backoff.delayMillis(0)).isEqualTo(100);
        assertThat(backoff.delayMillis(1)).isEqualTo(200);
        assertThat(backoff.delayMillis(3)).isEqualTo(800);
        assertThat(backoff.delayMillis(4)).isEqualTo(1000);
        assertThat(backoff.delayMillis(10_000)).isEqualTo(1000);
    }

    @Test
    void transientStatusesAndLostConnectionsAreRetryable() {
        assertThat(RetryBackoff.isRetryableStatus(429)).isTrue();
        assertThat(RetryBackoff.isRetryableStatus(503)).isTrue();
        assertThat(RetryBackoff.isRetryableStatus(408)).isTrue();
        assertThat(RetryBackoff.isRetryableStatus(400)).isFalse();
        assertThat(RetryBackoff.isRetryableStatus(401)).isFalse();
        assertThat(RetryBackoff.isRetryableStatus(404)).isFalse();
        assertThat(RetryBackoff.isRetryable(new ConnectException("Connection refused"))).isTrue();
        assertThat(RetryBackoff.isRetryable(new IOException("reset"))).isTrue();
        assertThat(RetryBackoff.isRetryable(new IllegalStateException("bug"))).isFalse();
    }
}
