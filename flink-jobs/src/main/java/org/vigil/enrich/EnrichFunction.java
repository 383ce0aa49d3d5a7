package org.vigil.enrich;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.event.DeadLetter;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.SecurityEvent;
import org.vigil.job.JavaSerializedTypeInfo;

/**
 * The enrich stage: holds the reference data of the four intel topics in broadcast state, adds asset and intel context
 * to every event with {@link Enricher}, reports each internal host an event shows on {@link #SIGHTINGS} for the botnet
 * detector, and sends reference records it cannot apply to {@link #DEAD_LETTERS}.
 *
 * <p>Every parallel instance receives every reference record; only instance 0 dead-letters a bad one, so it is
 * reported once. A bad record changes nothing: the record before it under its key stays in force.
 */
public final class EnrichFunction extends BroadcastProcessFunction<SecurityEvent, ReferenceUpdate, SecurityEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EnrichFunction.class);

    /** Name of the broadcast state: reference-record key to raw value. */
    public static final String STATE = "reference-data";

    /** Reference records that could not be applied. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("bad-reference-records", new JavaSerializedTypeInfo<>(DeadLetter.class));
    /** Internal hosts seen in events. */
    public static final OutputTag<HostSighting> SIGHTINGS =
            new OutputTag<>("internal-host-sightings", TypeInformation.of(HostSighting.class));

    /** The event fields whose addresses are looked up as internal hosts, with the role each gives the host. */
    static final Map<String, String> HOST_FIELDS = Map.of("source.ip", "source", "destination.ip", "destination", "host.ip", "host");
    static final List<String> HOST_FIELD_ORDER = List.of("source.ip", "destination.ip", "host.ip");
    /** Context copied from the event into a sighting. */
    static final List<String> SIGHTING_CONTEXT =
            List.of("event.dataset", "event.module", "event.category", "event.action", "observer.name", "observer.hostname");
    /** A host off the botnet list is reported at most once per this much event time per instance. */
    static final long SIGHTING_RESOLUTION_MILLIS = 60_000;
    private static final int SIGHTING_CACHE_SIZE = 65_536;

    private final ReferenceState reference;
    private final Enricher enricher = new Enricher();
    private final Clock clock;

    private transient Counter applied;
    private transient Counter tombstones;
    private transient Counter badRecords;
    private transient Counter botnetListSwitches;
    private transient Counter enriched;
    private transient Map<String, Long> lastReported;

    /** Enriches with the intel topics' records only. */
    public EnrichFunction() {
        this(List.of());
    }

    /** Enriches with {@code initial} records (a backtest's reference files) plus the intel topics' records. */
    public EnrichFunction(List<? extends ReferenceRecord> initial) {
        this(initial, Clock.systemUTC());
    }

    EnrichFunction(List<? extends ReferenceRecord> initial, Clock clock) {
        this.reference = new ReferenceState(STATE, initial, key -> true);
        this.clock = clock;
    }

    /** The broadcast-state descriptor the intel stream is broadcast with. */
    public static org.apache.flink.api.common.state.MapStateDescriptor<String, byte[]> stateDescriptor() {
        return ReferenceState.descriptor(STATE);
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        applied = metrics.counter("referenceRecordsApplied");
        tombstones = metrics.counter("referenceTombstonesApplied");
        badRecords = metrics.counter("badReferenceRecords");
        botnetListSwitches = metrics.counter("botnetListSwitches");
        enriched = metrics.counter("eventsEnriched");
        lastReported = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > SIGHTING_CACHE_SIZE;
            }
        };
    }

    @Override
    public void processBroadcastElement(ReferenceUpdate update, Context ctx, Collector<SecurityEvent> out) throws Exception {
        try {
            ReferenceChange change = reference.apply(ctx.getBroadcastState(reference.descriptor()), update);
            (update.isTombstone() ? tombstones : applied).inc();
            if (change.botnetListSwitched()) {
                botnetListSwitches.inc();
                if (isFirstInstance()) {
                    LOG.info("botnet list: current version {} (was {}) after {}", change.botnetVersionAfter(),
                            change.botnetVersionBefore(), update);
                }
            }
        } catch (IllegalArgumentException e) {
            badRecords.inc();
            if (isFirstInstance()) {
                LOG.warn("reference record refused, dead-lettered: {}: {}", update, e.getMessage());
                ctx.output(DEAD_LETTERS, new DeadLetter(DeadLetterReason.BAD_REFERENCE_RECORD, e.getMessage(), update.topic,
                        update.partition, update.offset, update.value, clock.millis()));
            }
        }
    }

    @Override
    public void processElement(SecurityEvent event, ReadOnlyContext ctx, Collector<SecurityEvent> out) throws Exception {
        ReferenceData data = reference.data(ctx.getBroadcastState(reference.descriptor()));
        SecurityEvent result = enricher.enrich(event, data);
        if (result != event) {
            enriched.inc();
        }
        reportInternalHosts(result, data, ctx);
        out.collect(result);
    }

    private boolean isFirstInstance() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    /** One sighting per internal address of the event; hosts off the botnet list only once a minute (event time). */
    private void reportInternalHosts(SecurityEvent event, ReferenceData data, ReadOnlyContext ctx) {
        for (String field : HOST_FIELD_ORDER) {
            for (String ip : event.getStrings(field)) {
                byte[] address = IpPrefix.addressOrNull(ip);
                Asset asset = data.assetForAddress(address);
                if (asset == null) {
                    continue;
                }
                BotnetEntry listed = data.botnetEntryForAddress(address);
                String canonical = IpPrefix.parse(ip).toString();
                Long previous = lastReported.get(canonical);
                if (listed == null && previous != null && event.timestampMillis() < previous + SIGHTING_RESOLUTION_MILLIS) {
                    continue;
                }
                if (previous == null || event.timestampMillis() > previous) {
                    lastReported.put(canonical, event.timestampMillis());
                }
                ctx.output(SIGHTINGS, new HostSighting(canonical, field, sightingContext(event, canonical, field, asset, listed)));
            }
        }
    }

    /** The compact copy of an event a sighting carries. */
    static SecurityEvent sightingContext(SecurityEvent event, String ip, String field, Asset asset, BotnetEntry listed) {
        SecurityEvent.Builder b = SecurityEvent.builder().timestampMillis(event.timestampMillis()).id(event.id()).put("host.ip", ip);
        for (String f : SIGHTING_CONTEXT) {
            if (event.get(f) != null) {
                b.put(f, event.get(f));
            }
        }
        if ("host.ip".equals(field) && event.get("host.name") != null) {
            b.put("host.name", event.get("host.name"));
        }
        Map<String, Object> assetFields = new LinkedHashMap<>();
        Enricher.putAsset(assetFields, "vigil.asset.", asset);
        assetFields.forEach(b::put);
        b.put(Enricher.TARGET_ROLE, HOST_FIELDS.get(field));
        if (listed != null) {
            putBotnet(b, listed, field);
        }
        return b.build();
    }

    /** Adds the botnet-list fields of {@code entry}, seen in {@code field}, to {@code b}. */
    static void putBotnet(SecurityEvent.Builder b, BotnetEntry entry, String field) {
        b.put(Enricher.BOTNET_IP, entry.ip());
        b.put(Enricher.BOTNET_FAMILY, entry.family());
        b.put(Enricher.BOTNET_LIST_VERSION, entry.listVersion());
        b.put(Enricher.BOTNET_MATCHED_FIELD, field);
    }
}
