package org.vigil.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/** A test's TAXII client over real HTTP: one base URL, one Authorization header, TAXII 2.1 Accept by default. */
final class TaxiiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String authorization;

    private TaxiiClient(HttpClient http, URI base, String authorization) {
        this.http = http;
        this.base = base;
        this.authorization = authorization;
    }

    static TaxiiClient basic(URI base, String user, String password) {
        return new TaxiiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base,
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    static TaxiiClient anonymous(URI base) {
        return new TaxiiClient(HttpClient.newHttpClient(), base, null);
    }

    static TaxiiClient bearer(URI base, String token, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder();
        if (tls != null) {
            b.sslContext(tls);
        }
        return new TaxiiClient(b.build(), base, "Bearer " + token);
    }

    TaxiiClient withTls(SSLContext tls) {
        return new TaxiiClient(HttpClient.newBuilder().sslContext(tls).build(), base, authorization);
    }

    Reply get(String path) {
        return get(path, MediaTypes.TAXII_21);
    }

    Reply get(String path, String accept) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (accept != null) {
            r.header("Accept", accept);
        }
        return send(r);
    }

    Reply post(String path, String contentType, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", MediaTypes.TAXII_21)
                .header("Content-Type", contentType);
        return send(r);
    }

    private Reply send(HttpRequest.Builder r) {
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(r.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP response with its body parsed as JSON. */
    record Reply(HttpResponse<String> response) {
        int status() {
            return response.statusCode();
        }

        JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + response.body(), e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }
}
