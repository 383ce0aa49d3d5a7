package org.vigil.enrich;

import org.vigil.event.SecurityEvent;

/**
 * An internal host (an address of the asset inventory) seen in an event: its address, the field it was seen in, and a
 * compact copy of the event (time, id, the host's asset and any botnet-list match) that the botnet detector keeps as
 * the host's last-seen record.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo; treat it as immutable.
 */
public final class HostSighting {
    public String ip;
    public String field;
    public SecurityEvent context;

    public HostSighting() {}

    public HostSighting(String ip, String field, SecurityEvent context) {
        this.ip = ip;
        this.field = field;
        this.context = context;
    }

    public String ip() {
        return ip;
    }

    /** Event time of the sighting. */
    public long timeMillis() {
        return context.timestampMillis();
    }

    /** The botnet-list version the host was on when seen, or null. */
    public String botnetListVersion() {
        return context.getString(Enricher.BOTNET_LIST_VERSION);
    }

    @Override
    public String toString() {
        return "HostSighting{" + ip + " in " + field + " at " + context.timestamp() + "}";
    }
}
