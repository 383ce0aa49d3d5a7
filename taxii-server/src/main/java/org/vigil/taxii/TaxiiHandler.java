package org.vigil.taxii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TAXII 2.1 endpoints over one {@link TaxiiCatalog}: authentication (401), content negotiation (406, 415),
 * per-collection rights (403), filters and paging, and TAXII error messages for every refusal.
 */
final class TaxiiHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TaxiiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OBJECTS_FILTERS = Set.of(
            "added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]");
    private static final Set<String> OBJECT_FILTERS = Set.of(
            "added_after", "limit", "next", "match[version]", "match[spec_version]");
    private static final Set<String> VERSIONS_FILTERS = Set.of("added_after", "limit", "next", "match[spec_version]");

    private final TaxiiCatalog catalog;
    private final String scheme;

    TaxiiHandler(TaxiiCatalog catalog, String scheme) {
        this.catalog = catalog;
        this.scheme = scheme;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                respond(exchange, route(exchange));
            } catch (TaxiiException e) {
                respondError(exchange, e);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                respondError(exchange, new TaxiiException(500, "Internal server error",
                        "the server could not complete the request; its log has the cause"));
            }
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String user = catalog.users().authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (user == null) {
            throw new TaxiiException(401, "Unauthorized",
                    "send HTTP Basic credentials or a bearer token of a user of this server");
        }
        if (!MediaTypes.acceptsTaxii21(String.join(",", headerValues(exchange, "Accept")))) {
            throw new TaxiiException(406, "Not acceptable", "this server answers only in " + MediaTypes.TAXII_21
                    + "; send Accept: " + MediaTypes.TAXII_21 + " (or " + MediaTypes.TAXII + ")");
        }
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());

        if (path.size() == 1 && path.get(0).equals("taxii2")) {
            requireMethod(method, "GET");
            noQuery(query);
            return Response.ok(discovery(exchange));
        }
        ApiRoot root = path.isEmpty() ? null : catalog.apiRoot(path.get(0));
        if (root == null) {
            throw TaxiiException.notFound("no API root at " + exchange.getRequestURI().getPath()
                    + "; GET /taxii2/ lists them");
        }
        if (path.size() == 1) {
            requireMethod(method, "GET");
            noQuery(query);
            return Response.ok(root.information());
        }
        if (path.size() == 3 && path.get(1).equals("status")) {
            requireMethod(method, "GET");
            noQuery(query);
            ObjectNode status = root.status(path.get(2), user);
            if (status == null) {
                throw TaxiiException.notFound("no status " + path.get(2) + " in API root " + root.name());
            }
            return Response.ok(status);
        }
        if (!path.get(1).equals("collections")) {
            throw TaxiiException.notFound("no such endpoint: " + exchange.getRequestURI().getPath());
        }
        if (path.size() == 2) {
            requireMethod(method, "GET");
            noQuery(query);
            ObjectNode body = JSON.createObjectNode();
            List<TaxiiCollection> visible = root.collectionsVisibleTo(user);
            if (!visible.isEmpty()) {
                ArrayNode list = body.putArray("collections");
                visible.forEach(c -> list.add(c.resource(user)));
            }
            return Response.ok(body);
        }
        TaxiiCollection collection = root.collection(path.get(2));
        if (collection == null) {
            throw TaxiiException.notFound("no collection " + path.get(2) + " in API root " + root.name());
        }
        if (path.size() == 3) {
            requireMethod(method, "GET");
            noQuery(query);
            return Response.ok(collection.resource(user));
        }
        String endpoint = path.get(3);
        if (path.size() == 4 && endpoint.equals("manifest")) {
            requireMethod(method, "GET");
            requireRead(collection, user);
            return manifest(collection, ObjectQuery.parse(query, OBJECTS_FILTERS));
        }
        if (path.size() == 4 && endpoint.equals("objects")) {
            requireMethod(method, "GET", "POST");
            if (method.equals("POST")) {
                noQuery(query);
                return post(exchange, root, collection, user);
            }
            requireRead(collection, user);
            return objects(collection, ObjectQuery.parse(query, OBJECTS_FILTERS), null);
        }
        if (path.size() == 5 && endpoint.equals("objects")) {
            requireMethod(method, "GET");
            requireRead(collection, user);
            return objects(collection, ObjectQuery.parse(query, OBJECT_FILTERS).forId(path.get(4)), path.get(4));
        }
        if (path.size() == 6 && endpoint.equals("objects") && path.get(5).equals("versions")) {
            requireMethod(method, "GET");
            requireRead(collection, user);
            return versions(collection, ObjectQuery.parse(query, VERSIONS_FILTERS).forId(path.get(4))
                    .allVersionsByDefault(), path.get(4));
        }
        throw TaxiiException.notFound("no such endpoint: " + exchange.getRequestURI().getPath());
    }

    private ObjectNode discovery(HttpExchange exchange) {
        // The catalog keeps API roots as paths; a client needs URLs, made from the host it reached us by.
        String host = exchange.getRequestHeaders().getFirst("Host");
        String base = scheme + "://" + (host != null ? host : exchange.getLocalAddress().getHostString() + ":"
                + exchange.getLocalAddress().getPort());
        ObjectNode body = catalog.discovery().deepCopy();
        if (body.hasNonNull("default")) {
            body.put("default", base + body.get("default").asText());
        }
        ArrayNode roots = body.putArray("api_roots");
        catalog.discovery().path("api_roots").forEach(r -> roots.add(base + r.asText()));
        return body;
    }

    private Response objects(TaxiiCollection collection, ObjectQuery query, String objectId) {
        if (objectId != null && !collection.contains(objectId)) {
            throw TaxiiException.notFound("no object " + objectId + " in collection " + collection.id());
        }
        ObjectQuery.Page page = collection.page(query, catalog.maxPageSize());
        ObjectNode envelope = envelopeHead(page);
        if (!page.items().isEmpty()) {
            ArrayNode objects = envelope.putArray("objects");
            page.items().forEach(o -> objects.add(o.object()));
        }
        return Response.page(envelope, page);
    }

    private Response manifest(TaxiiCollection collection, ObjectQuery query) {
        ObjectQuery.Page page = collection.page(query, catalog.maxPageSize());
        ObjectNode body = envelopeHead(page);
        if (!page.items().isEmpty()) {
            ArrayNode objects = body.putArray("objects");
            for (StoredObject o : page.items()) {
                ObjectNode record = objects.addObject();
                record.put("id", o.id());
                record.put("date_added", TaxiiTimestamps.format(o.dateAdded()));
                record.put("version", o.version());
                record.put("media_type", o.mediaType());
            }
        }
        return Response.page(body, page);
    }

    private Response versions(TaxiiCollection collection, ObjectQuery query, String objectId) {
        if (!collection.contains(objectId)) {
            throw TaxiiException.notFound("no object " + objectId + " in collection " + collection.id());
        }
        ObjectQuery.Page page = collection.page(query, catalog.maxPageSize());
        ObjectNode body = envelopeHead(page);
        if (!page.items().isEmpty()) {
            ArrayNode versions = body.putArray("versions");
            page.items().forEach(o -> versions.add(o.version()));
        }
        return Response.page(body, page);
    }

    private Response post(HttpExchange exchange, ApiRoot root, TaxiiCollection collection, String user)
            throws IOException {
        if (!collection.writable()) {
            throw new TaxiiException(403, "Forbidden", "collection " + collection.id() + " is read-only");
        }
        if (!collection.access().canWrite(user)) {
            throw new TaxiiException(403, "Forbidden", "user '" + user + "' may not write collection "
                    + collection.id());
        }
        if (!MediaTypes.isTaxii21(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            throw new TaxiiException(415, "Unsupported media type", "POST an envelope as " + MediaTypes.TAXII_21);
        }
        byte[] body = readBody(exchange.getRequestBody(), root.maxContentLength());
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw TaxiiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        if (envelope == null || !envelope.isObject() || !envelope.path("objects").isArray()) {
            throw TaxiiException.badRequest("the body must be a TAXII envelope: {\"objects\": [ ... ]}");
        }
        List<JsonNode> objects = new ArrayList<>();
        envelope.get("objects").forEach(objects::add);
        return new Response(202, collection.post(objects), Map.of());
    }

    private static ObjectNode envelopeHead(ObjectQuery.Page page) {
        ObjectNode body = JSON.createObjectNode();
        body.put("more", page.more());
        if (page.next() != null) {
            body.put("next", page.next());
        }
        return body;
    }

    private static byte[] readBody(InputStream in, long maxContentLength) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxContentLength + 1));
        if (body.length > maxContentLength) {
            throw new TaxiiException(413, "Payload too large", "this API root takes at most " + maxContentLength
                    + " bytes per request (max_content_length); post fewer objects at a time");
        }
        return body;
    }

    private static void requireRead(TaxiiCollection collection, String user) {
        if (!collection.access().canRead(user)) {
            throw new TaxiiException(403, "Forbidden", "user '" + user + "' may not read collection "
                    + collection.id());
        }
    }

    private static void requireMethod(String method, String... allowed) {
        if (!Arrays.asList(allowed).contains(method)) {
            throw new TaxiiException(405, "Method not allowed", method + " is not allowed here; use "
                    + String.join(" or ", allowed), Map.of("Allow", String.join(", ", allowed)));
        }
    }

    private static void noQuery(Map<String, List<String>> query) {
        if (!query.isEmpty()) {
            throw TaxiiException.badRequest("this endpoint takes no query parameters, got " + query.keySet());
        }
    }

    private static List<String> headerValues(HttpExchange exchange, String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return values == null ? List.of() : values;
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static void respond(HttpExchange exchange, Response response) throws IOException {
        byte[] body = JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", MediaTypes.TAXII_21);
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void respondError(HttpExchange exchange, TaxiiException e) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.put("title", e.title());
        error.put("description", e.getMessage());
        error.put("http_status", Integer.toString(e.httpStatus()));
        e.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (e.httpStatus() == 401) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"TAXII\", charset=\"UTF-8\"");
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"TAXII\"");
        }
        respond(exchange, new Response(e.httpStatus(), error, Map.of()));
    }

    /** A response body with its status and extra headers. */
    private record Response(int status, JsonNode body, Map<String, String> headers) {
        static Response ok(JsonNode body) {
            return new Response(200, body, Map.of());
        }

        /** A 200 with the date_added headers of the page's first and last item (none for an empty page). */
        static Response page(JsonNode body, ObjectQuery.Page page) {
            if (page.items().isEmpty()) {
                return ok(body);
            }
            return new Response(200, body, Map.of(
                    "X-TAXII-Date-Added-First", TaxiiTimestamps.format(page.items().get(0).dateAdded()),
                    "X-TAXII-Date-Added-Last",
                    TaxiiTimestamps.format(page.items().get(page.items().size() - 1).dateAdded())));
        }
    }
}
