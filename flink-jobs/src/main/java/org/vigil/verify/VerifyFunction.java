package org.vigil.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertTypeInfo;
import org.vigil.rules.VerificationPolicy;

/**
 * The verify stage, keyed by the alert's entity: scores every alert, decides whether its rule's verification policy
 * holds, emits it (candidate or verified, shared or not) for the alert index, and emits each alert once more on
 * {@link #SHARE}, for the NCSC feed, when it is first both verified and scoring at least the sharing threshold (the
 * first match or a repeat merged into it may bring either about), and again each time a repeat raises the risk score
 * of an alert already shared (an escalation; other repeats are not re-sent).
 *
 * <p>Alerts wait in keyed state until the watermark passes their event time and are then decided in (time, id)
 * order, so the outcome depends neither on the order in which parallel correlators deliver them nor on a restore.
 * A candidate whose policy has a corroboration window stays open for that window of event time: an independent
 * alert on the same entity within it verifies it, and it is emitted again, verified, under the same id (the index
 * document is overwritten). Summaries of decided alerts are kept for {@link VerificationPolicy#MAX_CORROBORATION_WINDOW}
 * so later alerts can be corroborated by them; timers prune both.
 */
public final class VerifyFunction extends KeyedProcessFunction<String, Alert, Alert> {
    private static final long serialVersionUID = 1L;
    /** Alerts that have just become verified and scoring enough to be shared: the NCSC feed's input. */
    public static final OutputTag<Alert> SHARE = new OutputTag<>("verified-to-share", AlertTypeInfo.INSTANCE);
    private static final TypeInformation<Alert> ALERT = AlertTypeInfo.INSTANCE;
    private static final long SUMMARY_RETENTION = VerificationPolicy.MAX_CORROBORATION_WINDOW.toMillis();

    private final VerifySettings settings;
    private transient MapState<Long, List<Alert>> pending;
    private transient MapState<String, SeenAlert> seen;
    private transient MapState<String, Alert> openCandidates;
    private transient Counter verifiedAtOnce;
    private transient Counter verifiedLater;

    public VerifyFunction(VerifySettings settings) {
        this.settings = settings;
    }

    /** The entity an alert is verified on: IP-valued partition fields share one name space ({@code ip:10.0.0.5}). */
    public static String entityOf(Alert alert) {
        String field = alert.partitionField();
        return (field.equals("ip") || field.endsWith(".ip") ? "ip" : field) + ":" + alert.partitionValue();
    }

    /** Keys alerts by {@link #entityOf}. */
    public static final class EntityKey implements KeySelector<Alert, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Alert alert) {
            return entityOf(alert);
        }
    }

    static MapStateDescriptor<Long, List<Alert>> pendingDescriptor() {
        return new MapStateDescriptor<>("verify-pending", Types.LONG, Types.LIST(ALERT));
    }

    static MapStateDescriptor<String, SeenAlert> seenDescriptor() {
        return new MapStateDescriptor<>("verify-seen", StringSerializer.INSTANCE, SeenAlertSerializer.INSTANCE);
    }

    static MapStateDescriptor<String, Alert> openDescriptor() {
        return new MapStateDescriptor<>("verify-open-candidates", Types.STRING, ALERT);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        seen = getRuntimeContext().getMapState(seenDescriptor());
        openCandidates = getRuntimeContext().getMapState(openDescriptor());
        verifiedAtOnce = getRuntimeContext().getMetricGroup().counter("alertsVerifiedAtOnce");
        verifiedLater = getRuntimeContext().getMetricGroup().counter("alertsVerifiedLater");
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
        // A repeated alert is decided when the watermark passes its latest repeat, in order with that time's alerts.
        long t = alert.lastSeenMillis();
        List<Alert> atTime = pending.get(t);
        List<Alert> updated = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
        updated.add(alert);
        pending.put(t, updated);
        ctx.timerService().registerEventTimeTimer(t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<Alert> due = new ArrayList<>();
        List<Long> dueTimes = new ArrayList<>();
        for (Map.Entry<Long, List<Alert>> e : pending.entries()) {
            if (e.getKey() <= timestamp) {
                due.addAll(e.getValue());
                dueTimes.add(e.getKey());
            }
        }
        for (Long t : dueTimes) {
            pending.remove(t);
        }
        due.sort(Comparator.comparingLong(Alert::lastSeenMillis).thenComparing(Alert::id).thenComparingInt(Alert::occurrences));
        for (Alert alert : due) {
            decide(alert, ctx, out);
        }
        prune(timestamp);
    }

    private void decide(Alert raised, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Alert alert = settings.riskScore().score(raised);
        List<String> sensors = VerificationEvidence.sensors(alert);
        SeenAlert before = seen.get(alert.id());
        if (before != null && before.riskScore() > alert.riskScore()) {
            // A repeat never lowers the score an analyst has seen: the document keeps the highest and its factors.
            alert = alert.toBuilder().riskScore(before.riskScore()).riskFactors(before.riskFactors()).build();
        }
        TreeSet<String> reasons = new TreeSet<>(VerificationEvidence.intrinsicReasons(alert));
        VerificationPolicy policy = alert.verificationPolicy();
        if (policy.corroborates()) {
            reasons.addAll(corroboratingReasons(alert, sensors, policy.corroborationWindow().toMillis()));
        }
        if (before != null) {
            // The same alert again (an update of a repeated alert): it never loses a verification it had.
            reasons.addAll(before.reasons());
        }
        boolean verified = !reasons.isEmpty();
        boolean alreadyShared = before != null && before.shared();
        // Shared once: when verified and scoring enough, which a repeat may bring about after the first match.
        boolean shared = verified && (alreadyShared || settings.shares(alert.riskScore(), alert.lastSeenMillis()));
        Alert decided = alert.toBuilder()
                .status(verified ? Alert.Status.VERIFIED : Alert.Status.CANDIDATE)
                .verificationReasons(List.copyOf(reasons))
                .shared(shared)
                .build();

        // This alert may corroborate candidates decided before it.
        List<Alert> nowVerified = new ArrayList<>();
        for (Alert open : openCandidates.values()) {
            if (!open.id().equals(decided.id())
                    && Math.abs(decided.lastSeenMillis() - open.lastSeenMillis()) <= open.verificationPolicy().corroborationWindow().toMillis()
                    && VerificationEvidence.independent(open.ruleId(), VerificationEvidence.sensors(open), decided.ruleId(), sensors)) {
                nowVerified.add(open.toBuilder().status(Alert.Status.VERIFIED)
                        .verificationReasons(List.of(corroborationReason(decided)))
                        .shared(settings.shares(open.riskScore(), open.lastSeenMillis())).build());
            }
        }

        // A repeat moves the alert's time to its latest occurrence: corroboration windows and retention count from there.
        seen.put(decided.id(), SeenAlert.of(decided, sensors));
        ctx.timerService().registerEventTimeTimer(decided.lastSeenMillis() + SUMMARY_RETENTION);
        if (!verified && policy.corroborates()) {
            openCandidates.put(decided.id(), decided);
            ctx.timerService().registerEventTimeTimer(decided.lastSeenMillis() + policy.corroborationWindow().toMillis());
        } else {
            openCandidates.remove(decided.id());
        }
        out.collect(decided);
        if (verified && (before == null || !before.verified())) {
            verifiedAtOnce.inc();
        }
        // Shared again only when a repeat raises the score (an escalation): the bundle keeps its ids with a later
        // modified; a repeat that leaves the score as it was only updates the alert index.
        boolean escalated = alreadyShared && decided.riskScore() > before.riskScore();
        if (shared && (!alreadyShared || escalated)) {
            ctx.output(SHARE, decided);
        }

        for (Alert later : nowVerified) {
            openCandidates.remove(later.id());
            SeenAlert s = seen.get(later.id());
            if (s != null) {
                seen.put(later.id(), new SeenAlert(s.id(), s.ruleId(), s.timestampMillis(), s.sensors(), true,
                        later.verificationReasons(), s.riskScore(), s.riskFactors(), later.shared()));
            }
            verifiedLater.inc();
            out.collect(later);
            if (later.shared()) {
                ctx.output(SHARE, later);
            }
        }
    }

    /** Reasons from alerts decided before this one: independent, on the same entity, within its window. */
    private List<String> corroboratingReasons(Alert alert, List<String> sensors, long window) throws Exception {
        List<SeenAlert> corroborating = new ArrayList<>();
        for (SeenAlert other : seen.values()) {
            if (!other.id().equals(alert.id())
                    && Math.abs(alert.lastSeenMillis() - other.timestampMillis()) <= window
                    && VerificationEvidence.independent(alert.ruleId(), sensors, other.ruleId(), other.sensors())) {
                corroborating.add(other);
            }
        }
        corroborating.sort(Comparator.comparingLong(SeenAlert::timestampMillis).thenComparing(SeenAlert::id));
        List<String> reasons = new ArrayList<>();
        for (SeenAlert other : corroborating.subList(0, Math.min(3, corroborating.size()))) {
            reasons.add("corroboration: " + other.ruleId() + " alert " + other.id() + " at "
                    + java.time.Instant.ofEpochMilli(other.timestampMillis()) + sensorText(other.sensors()));
        }
        return reasons;
    }

    private static String corroborationReason(Alert by) {
        return "corroboration: " + by.ruleId() + " alert " + by.id() + " at " + java.time.Instant.ofEpochMilli(by.lastSeenMillis())
                + sensorText(VerificationEvidence.sensors(by));
    }

    private static String sensorText(List<String> sensors) {
        return sensors.isEmpty() ? "" : " (seen by " + String.join(", ", sensors) + ")";
    }

    private void prune(long now) throws Exception {
        // Removed by key, not through the iterator: the heap backend drops a key's map only when remove() empties it.
        List<String> closed = new ArrayList<>();
        for (Alert a : openCandidates.values()) {
            if (a.lastSeenMillis() + a.verificationPolicy().corroborationWindow().toMillis() <= now) {
                closed.add(a.id());
            }
        }
        for (String id : closed) {
            openCandidates.remove(id);
        }
        List<String> expired = new ArrayList<>();
        for (SeenAlert s : seen.values()) {
            if (s.timestampMillis() + SUMMARY_RETENTION <= now) {
                expired.add(s.id());
            }
        }
        for (String id : expired) {
            seen.remove(id);
        }
    }
}
