package org.vigil.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running TAXII 2.1 server: HTTPS (or, for local use, HTTP) over a catalog, with the feed ingestor if configured. */
public final class TaxiiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaxiiServer.class);
    private static final int HANDLER_THREADS = 4;

    private final HttpServer http;
    private final ExecutorService executor;
    private final TaxiiCatalog catalog;
    private final FeedIngestor feed;
    private final String scheme;
    private final String defaultApiRoot;

    private TaxiiServer(HttpServer http, ExecutorService executor, TaxiiCatalog catalog, FeedIngestor feed,
            String scheme, String defaultApiRoot) {
        this.http = http;
        this.executor = executor;
        this.catalog = catalog;
        this.feed = feed;
        this.scheme = scheme;
        this.defaultApiRoot = defaultApiRoot;
    }

    /** Starts a server in normal mode: its collections reloaded from {@code data_dir}, then HTTP(S), then the feed. */
    public static TaxiiServer start(TaxiiServerConfig config) {
        List<TaxiiCollection> collections = new ArrayList<>();
        for (TaxiiServerConfig.CollectionSettings c : config.collections()) {
            collections.add(TaxiiCollection.persistent(c.id(), c.title(), c.description(), c.access(),
                    config.dataDir()));
        }
        ApiRoot root = new ApiRoot(config.apiRootName(), config.apiRootInfo(), collections, false);
        ObjectNode discovery = config.discovery().deepCopy();
        String rootPath = "/" + config.apiRootName() + "/";
        discovery.put("default", rootPath);
        discovery.putArray("api_roots").add(rootPath);
        TaxiiCatalog catalog = new TaxiiCatalog(discovery, List.of(root), config.users(), config.maxPageSize());
        FeedIngestor feed = null;
        TaxiiServer server = null;
        try {
            SSLContext tls = config.insecureHttp() ? null : sslContext(config.keystore(), config.keystorePassword());
            if (config.feed() != null) {
                feed = new FeedIngestor(config.feed(), root.collection(config.feed().collectionId()));
            }
            server = listen(catalog, config.host(), config.port(), tls, config.apiRootName(), feed);
            if (feed != null) {
                feed.start();
            }
            for (TaxiiCollection c : collections) {
                LOG.info("collection {}: {} object versions reloaded from {}", c.id(), c.size(),
                        config.dataDir());
            }
            LOG.info("serving {}{}", server.discoveryUri(), config.feed() == null ? ""
                    : "; feed topic " + config.feed().topic() + " goes to collection " + config.feed().collectionId());
            return server;
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                if (feed != null) {
                    feed.close();
                }
                catalog.close();
            }
            throw e;
        }
    }

    /** Starts a read-only server over a reference-server data file and its config.json users, on plain HTTP. */
    public static TaxiiServer startFixture(Path dataFile, String host, int port) throws IOException {
        TaxiiCatalog catalog = FixtureData.load(dataFile);
        String defaultRoot = catalog.discovery().path("default").asText("/").replace("/", "");
        return listen(catalog, host, port, null, defaultRoot.isEmpty() ? null : defaultRoot, null);
    }

    private static TaxiiServer listen(TaxiiCatalog catalog, String host, int port, SSLContext tls,
            String defaultApiRoot, FeedIngestor feed) {
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            HttpServer http;
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                http = https;
            } else {
                http = HttpServer.create(address, 0);
            }
            String scheme = tls != null ? "https" : "http";
            http.createContext("/", new TaxiiHandler(catalog, scheme));
            ExecutorService executor = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
                Thread t = new Thread(r, "taxii-http");
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            http.start();
            return new TaxiiServer(http, executor, catalog, feed, scheme, defaultApiRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port
                    + " (in use? pick another with --port)", e);
        }
    }

    private static SSLContext sslContext(Path keystore, char[] password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the keystore " + keystore + " (" + e.getMessage()
                    + "); it must be PKCS12 and its password in the configured environment variable", e);
        }
    }

    /** The port the server listens on (useful when configured as 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The discovery URL on loopback, e.g. {@code https://127.0.0.1:9443/taxii2/}. */
    public URI discoveryUri() {
        return URI.create(scheme + "://127.0.0.1:" + port() + "/taxii2/");
    }

    /** The default API root's URL on loopback, e.g. {@code https://127.0.0.1:9443/vigil/}. */
    public URI apiRootUri() {
        return URI.create(scheme + "://127.0.0.1:" + port() + "/" + (defaultApiRoot == null ? "" : defaultApiRoot + "/"));
    }

    /** What the server serves; tests and the local stack look into collections through it. */
    public TaxiiCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        http.stop(0);
        executor.shutdownNow();
        catalog.close();
    }

}
