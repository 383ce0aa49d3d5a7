package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/** An open {@link ElasticsearchClient} for the configured hosts and credentials. */
final class ElasticsearchConnection implements AutoCloseable {
    private final RestClientTransport transport;
    private final ElasticsearchClient client;

    private ElasticsearchConnection(RestClientTransport transport) {
        this.transport = transport;
        this.client = new ElasticsearchClient(transport);
    }

    static ElasticsearchConnection open(ElasticsearchSinkOptions options) {
        HttpHost[] hosts = options.hosts().stream().map(ElasticsearchConnection::httpHost).toArray(HttpHost[]::new);
        RestClient rest = RestClient.builder(hosts)
                .setDefaultHeaders(authHeaders(options).toArray(Header[]::new))
                .build();
        return new ElasticsearchConnection(new RestClientTransport(rest, new JacksonJsonpMapper()));
    }

    ElasticsearchClient client() {
        return client;
    }

    private static HttpHost httpHost(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 9200;
        return new HttpHost(uri.getHost(), port, uri.getScheme());
    }

    private static List<Header> authHeaders(ElasticsearchSinkOptions options) {
        List<Header> headers = new ArrayList<>();
        if (options.apiKey() != null) {
            headers.add(new BasicHeader("Authorization", "ApiKey " + options.apiKey()));
        } else if (options.username() != null) {
            String token = options.username() + ":" + options.password();
            headers.add(new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))));
        }
        return headers;
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
