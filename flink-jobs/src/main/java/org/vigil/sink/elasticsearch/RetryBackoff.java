package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.time.Duration;

/** Which Elasticsearch failures are worth retrying, and how long to wait before the next attempt. */
final class RetryBackoff {
    private final long initialMillis;
    private final long maxMillis;

    RetryBackoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** Exponential: initial, 2x, 4x... capped at the maximum; {@code retry} counts from 0. */
    long delayMillis(int retry) {
        int shift = Math.min(retry, 30);
        long delay = initialMillis << shift;
        return delay <= 0 || delay > maxMillis ? maxMillis : delay;
    }

    void sleep(int retry) throws InterruptedException {
        Thread.sleep(delayMillis(retry));
    }

    /** 408, 429 and 5xx are transient: a busy, restarting or overloaded cluster; anything else will fail again. */
    static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Connection failures and transient HTTP statuses are retryable; rejected requests are not. */
    static boolean isRetryable(Exception e) {
        if (e instanceof ElasticsearchException ee) {
            return isRetryableStatus(ee.status());
        }
        if (e instanceof TransportException te) {
            // No status (<= 0) means the response never arrived or was unreadable: treat like a lost connection.
            return te.statusCode() <= 0 || isRetryableStatus(te.statusCode());
        }
        return e instanceof IOException;
    }
}
