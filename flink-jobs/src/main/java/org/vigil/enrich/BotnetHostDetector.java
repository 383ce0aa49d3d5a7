package org.vigil.enrich;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleMetadata;
import org.vigil.rules.VerificationPolicy;

/**
 * Botnet detection, keyed by internal host address: a host seen in an event while it is on the current botnet list
 * alerts, and when a new list version becomes current, every host on it seen within the last day (event time) alerts
 * too, from the last-seen record kept per host, without reading any event again.
 *
 * <p>One alert per host and list version: its id is derived from the rule, the host and the list version only, so a
 * restore, a replay or the same host revealed both by an event and by the list switch gives the same alert. The
 * alerts are verified by list membership ({@code verification: high-fidelity}).
 *
 * <p>The broadcast input is the intel topics; only the botnet-list records are kept (the enrich stage reports bad
 * records). Last-seen records expire a day of event time after the host was last seen.
 */
public final class BotnetHostDetector extends KeyedBroadcastProcessFunction<String, HostSighting, ReferenceUpdate, Alert> {
    private static final long serialVersionUID = 1L;

    /** Name of the broadcast state of botnet-list records. */
    public static final String STATE = "botnet-list";
    /** How long a host counts as recently seen. */
    public static final Duration RECENT = Duration.ofHours(24);
    /** Expiry timers are rounded up to this, so a busy host has at most one per minute. */
    private static final long TIMER_RESOLUTION_MILLIS = 60_000;

    /** The detection's rule metadata: it has no EPL file, but shows in alerts like any rule. */
    public static final RuleMetadata RULE = new RuleMetadata(
            "vigil-botnet-host", 1, "Internal host on the national botnet IP list",
            "An internal host (an address of the asset inventory) appears in events while it is on the current botnet "
                    + "IP list of the national Authority of Information Security, or was seen within a day before a "
                    + "list version naming it arrived.",
            Severity.HIGH, 80, List.of("TA0011"), List.of("T1071"), "host.ip", RECENT,
            // Its evidence always carries the list entry, so the intel alternative verifies it with that reason.
            VerificationPolicy.parse("intel"),
            "An address reassigned since the list's publisher observed it (DHCP, NAT pools).", null);

    private final ReferenceState reference;
    private transient ValueState<KnownHost> hosts;
    private transient Counter alerts;

    public BotnetHostDetector() {
        this(List.of());
    }

    /** {@code initial}: reference records of a backtest's files (only the botnet list is used). */
    public BotnetHostDetector(List<? extends ReferenceRecord> initial) {
        this.reference = new ReferenceState(STATE, initial, BotnetHostDetector::isBotnetKey);
    }

    /** The broadcast-state descriptor the intel stream is broadcast with to this function. */
    public static org.apache.flink.api.common.state.MapStateDescriptor<String, byte[]> stateDescriptor() {
        return ReferenceState.descriptor(STATE);
    }

    static ValueStateDescriptor<KnownHost> hostsDescriptor() {
        return new ValueStateDescriptor<>("known-internal-host", TypeInformation.of(KnownHost.class));
    }

    private static boolean isBotnetKey(String key) {
        return key.startsWith(BotnetEntry.KEY_PREFIX) || key.startsWith(BotnetListVersion.KEY_PREFIX);
    }

    @Override
    public void open(OpenContext openContext) {
        hosts = getRuntimeContext().getState(hostsDescriptor());
        alerts = getRuntimeContext().getMetricGroup().counter("botnetHostAlerts");
    }

    @Override
    public void processElement(HostSighting sighting, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        reference.data(ctx.getBroadcastState(reference.descriptor()));
        KnownHost host = hosts.value();
        if (host == null) {
            host = new KnownHost();
        }
        if (host.lastSeen == null || sighting.timeMillis() >= host.lastSeen.timestampMillis()) {
            host.lastSeen = sighting.context;
            host.field = sighting.field;
            ctx.timerService().registerEventTimeTimer(expiry(sighting.timeMillis()));
        }
        String version = sighting.botnetListVersion();
        if (host.alertPendingFor(version)) {
            host.alertedListVersion = version;
            out.collect(alert(sighting.ip, sighting.field, sighting.context, sighting.timeMillis(), "event"));
            alerts.inc();
        }
        hosts.update(host);
    }

    @Override
    public void processBroadcastElement(ReferenceUpdate update, Context ctx, Collector<Alert> out) throws Exception {
        if (!reference.keeps(update.key)) {
            return;
        }
        ReferenceChange change;
        try {
            change = reference.apply(ctx.getBroadcastState(reference.descriptor()), update);
        } catch (IllegalArgumentException e) {
            return; // the enrich stage dead-letters it
        }
        if (!change.botnetListSwitched() || change.botnetVersionAfter() == null) {
            return;
        }
        ReferenceData data = reference.data(ctx.getBroadcastState(reference.descriptor()));
        String version = change.botnetVersionAfter();
        long now = ctx.currentWatermark();
        ctx.applyToKeyedState(hostsDescriptor(), (ip, state) -> {
            KnownHost host = state.value();
            if (host == null) {
                return;
            }
            if (host.lastSeen == null) {
                // Kept only to remember an alert for the list then current; a new list makes it moot.
                state.clear();
                return;
            }
            BotnetEntry entry = data.botnetEntry(ip);
            long seen = host.lastSeen.timestampMillis();
            if (entry == null || !host.alertPendingFor(version) || seen < now - RECENT.toMillis()) {
                return;
            }
            SecurityEvent.Builder context = host.lastSeen.toBuilder();
            EnrichFunction.putBotnet(context, entry, host.field);
            host.alertedListVersion = version;
            state.update(host);
            out.collect(alert(ip, host.field, context.build(), Math.max(seen, now), "botnet_list_update"));
            alerts.inc();
        });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        KnownHost host = hosts.value();
        if (host == null || host.lastSeen == null || expiry(host.lastSeen.timestampMillis()) > timestamp) {
            return;
        }
        String current = reference.data(ctx.getBroadcastState(reference.descriptor())).activeBotnetVersion();
        if (host.alertedListVersion != null && host.alertedListVersion.equals(current)) {
            // Remember the alert for the current list, so the host seen again next week does not alert again.
            host.lastSeen = null;
            host.field = null;
            hosts.update(host);
        } else {
            hosts.clear();
        }
    }

    private static long expiry(long seenMillis) {
        long at = seenMillis + RECENT.toMillis();
        return Math.floorDiv(at + TIMER_RESOLUTION_MILLIS - 1, TIMER_RESOLUTION_MILLIS) * TIMER_RESOLUTION_MILLIS;
    }

    /** The alert for {@code ip} on the list version its evidence names. */
    static Alert alert(String ip, String field, SecurityEvent evidence, long timeMillis, String revealedBy) {
        String version = evidence.getString(Enricher.BOTNET_LIST_VERSION);
        return Alert.builder()
                .ruleId(RULE.id()).ruleVersion(RULE.version()).ruleName(RULE.name()).ruleDescription(RULE.description())
                .severity(RULE.severity()).riskScore(RULE.riskScore())
                .tacticIds(RULE.tacticIds()).techniqueIds(RULE.techniqueIds())
                .partition(RULE.partitionField(), ip)
                .timestampMillis(timeMillis)
                .status(Alert.Status.VERIFIED)
                .verificationPolicy(RULE.verification())
                .triggeringEvents(List.of(evidence), 1)
                .identifyBy(List.of("botnet-list:" + version))
                .detail("list_version", version)
                .detail("family", evidence.getString(Enricher.BOTNET_FAMILY))
                .detail("seen_in", field)
                .detail("last_seen", Instant.ofEpochMilli(evidence.timestampMillis()).toString())
                .detail("revealed_by", revealedBy)
                .detail("verification", "botnet_list_membership")
                .build();
    }
}
