package org.vigil.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A TAXII collection: its description, who may read and write it, and the object versions it holds in date_added
 * order and the status resources of the POSTs to it, optionally persisted in a {@link CollectionLog}.
 *
 * <p>Every version added gets a date_added strictly after the previous one, so date_added order, sequence order and
 * the paging token agree, and a client paging by {@code X-TAXII-Date-Added-Last} never skips an object.
 */
public final class TaxiiCollection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STIX_ID = Pattern.compile(
            "[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** POST statuses kept readable per collection. */
    static final int MAX_STATUSES = 10_000;

    private final String id;
    private final String title;
    private final String description;
    private final List<String> mediaTypes;
    private final CollectionAccess access;
    private final boolean writable;
    private final CollectionLog log;

    private final List<StoredObject> objects = new ArrayList<>();
    // Each object's versions in sequence order: match[id] and the version filters read these, not the whole list.
    private final Map<String, List<StoredObject>> versionsById = new HashMap<>();
    private final Set<String> versionKeys = new HashSet<>();
    private final Map<String, Long> feedOffsets = new HashMap<>();
    // The log keeps every status; memory the most recent ones, which is what clients read (right after their POST).
    private final Map<String, ObjectNode> statuses = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > MAX_STATUSES;
        }
    };
    private Instant lastDateAdded = Instant.EPOCH;
    private long rejectedFeedRecords;

    private TaxiiCollection(String id, String title, String description, List<String> mediaTypes,
            CollectionAccess access, boolean writable, CollectionLog log) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.mediaTypes = List.copyOf(mediaTypes);
        this.access = access;
        this.writable = writable;
        this.log = log;
    }

    /** An in-memory, read-only collection holding the given versions (a fixture); sorted by date_added here. */
    static TaxiiCollection fixture(String id, String title, String description, List<String> mediaTypes,
            CollectionAccess access, List<FixtureObject> contents) {
        TaxiiCollection c = new TaxiiCollection(id, title, description, mediaTypes, access, false, null);
        List<FixtureObject> sorted = new ArrayList<>(contents);
        sorted.sort(Comparator.comparing(FixtureObject::dateAdded));
        for (FixtureObject o : sorted) {
            c.store(o.object(), o.dateAdded());
        }
        return c;
    }

    /** A writable collection persisted in {@code dataDir/<id>.jsonl}, reloaded from it if it exists. */
    static TaxiiCollection persistent(String id, String title, String description, CollectionAccess access,
            Path dataDir) {
        CollectionLog.Opened opened = CollectionLog.open(dataDir.resolve(id + ".jsonl"));
        TaxiiCollection c = new TaxiiCollection(id, title, description, List.of(MediaTypes.STIX + ";version=2.1"),
                access, true, opened.log());
        int lineNumber = 0;
        for (String line : opened.lines()) {
            lineNumber++;
            try {
                c.replay((ObjectNode) JSON.readTree(line));
            } catch (Exception e) {
                opened.log().close();
                throw new IllegalStateException(opened.log().file() + " line " + lineNumber
                        + " cannot be read back (" + e.getMessage() + "); the file was changed outside the server", e);
            }
        }
        return c;
    }

    public String id() {
        return id;
    }

    public CollectionAccess access() {
        return access;
    }

    /** Whether the collection takes POSTs at all (a fixture does not). */
    public boolean writable() {
        return writable;
    }

    /** The collection resource as one user sees it. */
    ObjectNode resource(String user) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("title", title);
        if (description != null) {
            r.put("description", description);
        }
        r.put("can_read", access.canRead(user));
        r.put("can_write", writable && access.canWrite(user));
        ArrayNode types = r.putArray("media_types");
        mediaTypes.forEach(types::add);
        return r;
    }

    /** A consistent copy of the contents in sequence (date_added) order; requests use {@link #page} instead. */
    public synchronized List<StoredObject> snapshot() {
        return List.copyOf(objects);
    }

    /** How many object versions the collection holds. */
    public synchronized int size() {
        return objects.size();
    }

    /** Whether the collection holds any version of the object. */
    public synchronized boolean contains(String objectId) {
        return versionsById.containsKey(objectId);
    }

    /**
     * One page of a query, read in place under the lock (a scan from the paging position that stops one match past
     * the page; a sparse filter may scan far, but copies nothing); stored versions are never changed, so the page
     * stays valid after writers append.
     */
    public synchronized ObjectQuery.Page page(ObjectQuery query, int maxPageSize) {
        return query.page(objects, id -> versionsById.getOrDefault(id, List.of()), maxPageSize);
    }

    /** The offset after the last feed record stored from this partition, if any. */
    public synchronized OptionalLong nextFeedOffset(String topic, int partition) {
        Long next = feedOffsets.get(topic + "-" + partition);
        return next == null ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** Feed records refused as not being STIX bundles (each logged and kept in the collection log with its reason). */
    public synchronized long rejectedFeedRecords() {
        return rejectedFeedRecords;
    }

    /**
     * Adds a feed bundle's objects: each valid new version gets its date_added; a version already present is a
     * success that adds nothing; an invalid object is a failure with the reason. The accepted versions, the refused
     * objects' reasons and the feed position are fsync'd in one log line before this returns.
     */
    public synchronized List<Outcome> add(List<JsonNode> posted, FeedPosition source) {
        Objects.requireNonNull(source, "source");
        ObjectNode line = JSON.createObjectNode();
        line.set("source", JSON.valueToTree(source));
        List<Outcome> outcomes = accept(posted, line);
        if (outcomes.stream().anyMatch(o -> !o.success())) {
            // A feed has nobody to read a status resource: keep its refused objects' reasons with its position.
            ArrayNode failures = line.putArray("failures");
            outcomes.stream().filter(o -> !o.success()).forEach(o -> failures.addObject()
                    .put("id", o.id()).put("message", o.message()));
        }
        log.append(line.toString());
        replay(line);
        return outcomes;
    }

    /**
     * Adds a POSTed envelope's objects as {@link #add} does and returns the POST's status resource, which is written
     * in the same fsync'd log line as the versions it reports: a client that got the 202 can read the status after a
     * restart, and a status never names versions that were not kept.
     */
    public synchronized ObjectNode post(List<JsonNode> posted) {
        String requestTimestamp = TaxiiTimestamps.format(TaxiiTimestamps.nowMicros());
        ObjectNode line = JSON.createObjectNode();
        List<Outcome> outcomes = accept(posted, line);
        line.set("status", PostStatus.of(UUID.randomUUID().toString(), requestTimestamp, outcomes));
        log.append(line.toString());
        replay(line);
        return (ObjectNode) line.get("status").deepCopy();
    }

    /** The status resource of a POST to this collection, if it is among the most recent {@value #MAX_STATUSES}. */
    public synchronized ObjectNode status(String statusId) {
        ObjectNode status = statuses.get(statusId);
        return status == null ? null : status.deepCopy();
    }

    /** The outcome of each posted object; the new versions go into {@code line}'s "objects" with their date_added. */
    private List<Outcome> accept(List<JsonNode> posted, ObjectNode line) {
        if (!writable) {
            throw new IllegalStateException("collection " + id + " is read-only");
        }
        List<Outcome> outcomes = new ArrayList<>();
        ArrayNode entries = line.putArray("objects");
        Set<String> keysInRequest = new HashSet<>();
        Instant dateAdded = lastDateAdded;
        for (JsonNode node : posted) {
            String problem = problemOf(node);
            String objectId = node.path("id").asText(null);
            String version = node.isObject() ? StoredObject.declaredVersion((ObjectNode) node) : null;
            if (problem != null) {
                outcomes.add(new Outcome(objectId, version, false, problem));
                continue;
            }
            String key = StoredObject.versionKeyOf((ObjectNode) node);
            if (versionKeys.contains(key) || !keysInRequest.add(key)) {
                outcomes.add(new Outcome(objectId, version, true, "this version is already in the collection"));
                continue;
            }
            dateAdded = nextDateAdded(dateAdded);
            ObjectNode entry = entries.addObject();
            entry.put("date_added", TaxiiTimestamps.format(dateAdded));
            entry.set("object", node);
            outcomes.add(new Outcome(objectId, version, true, "added to collection " + id));
        }
        return outcomes;
    }

    /** Records a feed record that is not a STIX bundle, with the reason, so its offset is passed and never lost. */
    synchronized void rejectFeedRecord(FeedPosition source, String reason) {
        ObjectNode line = JSON.createObjectNode();
        line.set("source", JSON.valueToTree(source));
        line.put("rejected", reason);
        log.append(line.toString());
        replay(line);
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }

    private void replay(ObjectNode line) {
        for (JsonNode entry : line.path("objects")) {
            store((ObjectNode) entry.get("object"), TaxiiTimestamps.parse(entry.get("date_added").asText()));
        }
        if (line.has("rejected")) {
            rejectedFeedRecords++;
        }
        JsonNode status = line.get("status");
        if (status != null) {
            statuses.put(status.get("id").asText(), (ObjectNode) status);
        }
        JsonNode source = line.get("source");
        if (source != null) {
            feedOffsets.put(source.get("topic").asText() + "-" + source.get("partition").asInt(),
                    source.get("offset").asLong() + 1);
        }
    }

    private void store(ObjectNode object, Instant dateAdded) {
        String declared = StoredObject.declaredVersion(object);
        String version = declared != null ? declared : TaxiiTimestamps.format(dateAdded);
        String specVersion = object.path("spec_version").asText("2.0");
        StoredObject stored = new StoredObject(objects.size(), dateAdded, object.get("id").asText(), version,
                TaxiiTimestamps.parse(version), specVersion, object);
        objects.add(stored);
        versionsById.computeIfAbsent(stored.id(), k -> new ArrayList<>()).add(stored);
        versionKeys.add(stored.versionKey());
        if (dateAdded.isAfter(lastDateAdded)) {
            lastDateAdded = dateAdded;
        }
    }

    private static Instant nextDateAdded(Instant previous) {
        Instant now = TaxiiTimestamps.nowMicros();
        return now.isAfter(previous) ? now : previous.plus(1, ChronoUnit.MICROS);
    }

    private static String problemOf(JsonNode node) {
        if (!node.isObject()) {
            return "not a JSON object";
        }
        String type = node.path("type").asText("");
        String objectId = node.path("id").asText("");
        if (type.isEmpty() || objectId.isEmpty()) {
            return "a STIX object needs 'type' and 'id'";
        }
        if (!STIX_ID.matcher(objectId).matches() || !objectId.startsWith(type + "--")) {
            return "id '" + objectId + "' is not '" + type + "--' followed by a UUID";
        }
        if (type.equals("bundle")) {
            return "a bundle is not a STIX object; post its objects in the envelope";
        }
        String declared = StoredObject.declaredVersion((ObjectNode) node);
        if (declared != null) {
            try {
                TaxiiTimestamps.parse(declared);
            } catch (IllegalArgumentException e) {
                return "modified/created '" + declared + "' is not a STIX timestamp";
            }
        }
        return null;
    }

    /** The result for one posted object, as a status resource reports it. */
    public record Outcome(String id, String version, boolean success, String message) {}

    /** An object of a fixture file with its date_added. */
    record FixtureObject(ObjectNode object, Instant dateAdded) {}

}
