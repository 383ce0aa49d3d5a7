package org.vigil.sink.stix;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;

/** Chooses the observables that stand for an alert's offending entity in what Vigil shares over STIX. */
public final class AlertObservables {

    /** The evidence field whose addresses stand in when the entity itself is not an address. */
    public static final String EVIDENCE_IP_FIELD = "source.ip";

    private AlertObservables() {}

    /**
     * The entity itself when it is an IP address; otherwise the distinct {@code source.ip} values of the
     * evidence; with no address at all, the entity as a domain name (domain and host-name fields) or as a user
     * account (any other field). Never empty, in a stable order.
     */
    public static List<StixObservable> of(Alert alert) {
        String field = alert.partitionField();
        String entity = alert.partitionValue();
        if (field.endsWith(".ip")) {
            Optional<StixObservable> ip = StixObservable.ipAddress(entity);
            if (ip.isPresent()) {
                return List.of(ip.get());
            }
        }
        Set<StixObservable> ips = new LinkedHashSet<>();
        for (SecurityEvent event : alert.evidence()) {
            StixObservable.ipAddress(event.getString(EVIDENCE_IP_FIELD)).ifPresent(ips::add);
        }
        if (!ips.isEmpty()) {
            return List.copyOf(ips);
        }
        if (isDomainField(field)) {
            return List.of(StixObservable.domainName(entity));
        }
        // STIX has no generic entity object; a user account keeps the bundle valid and names what was seen.
        return List.of(StixObservable.userAccount(entity));
    }

    private static boolean isDomainField(String field) {
        return field.endsWith(".domain") || field.equals("host.name") || field.equals("host.hostname")
                || field.equals("dns.question.name");
    }
}
