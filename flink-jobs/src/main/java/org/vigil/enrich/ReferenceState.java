package org.vigil.enrich;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Reference data as an operator holds it: the raw topic records in Flink broadcast state (key to value, the source
 * of truth that checkpoints carry) and a {@link ReferenceData} index rebuilt from them, transient, on first use after
 * a start or restore.
 *
 * <p>{@code initial} records (a backtest's reference files, or the intel topics preloaded at a fresh start) seed the
 * index under every key the state does not hold, so they need no writable state and survive a restore alike. A
 * tombstone for a key of the initial records is therefore kept in state as an empty marker, not removed: such a key
 * deleted since the start stays deleted after a restore instead of coming back from the initial records. (Other
 * keys are removed, so monthly botnet lists do not leave markers behind.)
 */
public final class ReferenceState implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The state value of a deleted key. */
    static final byte[] DELETED = new byte[0];

    private final MapStateDescriptor<String, byte[]> descriptor;
    private final List<ReferenceRecord> initial;
    private final Predicate<String> keeps;
    private transient ReferenceData data;
    private transient Set<String> initialKeys;

    /** State under {@code stateName}, holding the records whose key {@code keeps} accepts. */
    public ReferenceState(String stateName, List<? extends ReferenceRecord> initial, SerializablePredicate keeps) {
        this.descriptor = descriptor(stateName);
        this.initial = List.copyOf(initial);
        this.keeps = keeps;
    }

    /** A predicate that travels with the operator. */
    public interface SerializablePredicate extends Predicate<String>, Serializable {}

    /** The broadcast-state descriptor: record key to raw record value. */
    public static MapStateDescriptor<String, byte[]> descriptor(String stateName) {
        return new MapStateDescriptor<>(stateName, Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    public MapStateDescriptor<String, byte[]> descriptor() {
        return descriptor;
    }

    /** Whether this state keeps records under {@code key} (others are ignored, not judged). */
    public boolean keeps(String key) {
        return key != null && keeps.test(key);
    }

    /** The index, rebuilt from {@code state} when this instance has none yet. */
    public ReferenceData data(ReadOnlyBroadcastState<String, byte[]> state) throws Exception {
        if (data == null) {
            List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
            state.immutableEntries().forEach(entries::add);
            data = rebuild(entries);
        }
        return data;
    }

    private boolean isInitial(String key) {
        if (initialKeys == null) {
            Set<String> keys = new HashSet<>();
            initial.forEach(r -> keys.add(r.key()));
            initialKeys = keys;
        }
        return initialKeys.contains(key);
    }

    private ReferenceData rebuild(List<Map.Entry<String, byte[]>> entries) {
        // Every stored record was valid when it was applied, so none throws here.
        ReferenceData rebuilt = ReferenceData.of(entries);
        Set<String> stored = new HashSet<>();
        entries.forEach(e -> stored.add(e.getKey()));
        initial.stream().filter(r -> keeps(r.key()) && !stored.contains(r.key())).forEach(rebuilt::put);
        return rebuilt;
    }

    /**
     * Applies one topic record to the index and, when it is valid, to the broadcast state (a tombstone marks the
     * key deleted). Throws {@link IllegalArgumentException} with the reason, changing neither, when the record is invalid.
     */
    public ReferenceChange apply(BroadcastState<String, byte[]> state, ReferenceUpdate update) throws Exception {
        ReferenceData index = data(state);
        if (update.key == null) {
            throw new IllegalArgumentException("reference record without a key");
        }
        ReferenceChange change = index.apply(update.key, update.value);
        if (update.value == null && isInitial(update.key)) {
            state.put(update.key, DELETED);
        } else if (update.value == null) {
            state.remove(update.key);
        } else {
            state.put(update.key, update.value);
        }
        return change;
    }
}
