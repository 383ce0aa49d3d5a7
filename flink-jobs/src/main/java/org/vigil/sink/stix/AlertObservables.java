package org.vigil.sink.stix;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.share.InternalValueHandling;
import org.vigil.share.ShareableField;
import org.vigil.share.SharingPolicy;

/**
 * Chooses, under the sharing policy, the observables of an alert that go into its STIX bundle, and which of them
 * are the attacker's (external addresses, domains, URLs, file hashes) and so may become an indicator.
 */
public final class AlertObservables {

    /** One shared observable; {@code attacker} when it is external and may go into an indicator's pattern. */
    public record Shared(StixObservable observable, boolean attacker) {}

    private AlertObservables() {}

    /**
     * The entity (when its field is shared) then the shared fields of every kept evidence event, each value once,
     * in a stable order. Internal values (addresses in the internal networks or belonging to an inventory asset,
     * names and URLs of an inventory asset, every user name) are removed, pseudonymised or kept as the policy says
     * and never count as the attacker's.
     */
    public static List<Shared> of(Alert alert, SharingPolicy policy) {
        Set<String> assetValues = assetValues(alert.evidence(), policy);
        Map<StixObservable, Boolean> shared = new LinkedHashMap<>();
        ShareableField.of(alert.partitionField()).filter(policy.fields()::contains)
                .ifPresent(f -> add(shared, f, alert.partitionValue(), assetValues, policy));
        for (SecurityEvent event : alert.evidence()) {
            for (ShareableField field : policy.fields()) {
                for (String value : event.getStrings(field.field())) {
                    add(shared, field, value, assetValues, policy);
                }
            }
        }
        List<Shared> result = new ArrayList<>();
        shared.forEach((o, attacker) -> result.add(new Shared(o, attacker)));
        return result;
    }

    private static void add(Map<StixObservable, Boolean> shared, ShareableField field, String value,
                            Set<String> assetValues, SharingPolicy policy) {
        Optional<StixObservable> observable = observable(field, value);
        if (observable.isEmpty()) {
            return;
        }
        boolean internal = switch (field.kind()) {
            case USER -> true;
            case FILE_HASH -> false;
            case ADDRESS -> policy.isInternalNetwork(value) || assetValues.contains(value);
            case DOMAIN -> assetValues.contains(value);
            case URL -> assetValues.contains(value) || policy.isInternalNetwork(host(value));
        };
        if (!internal) {
            // A value seen once as internal stays internal: attacker flags only ever come from external values.
            shared.putIfAbsent(observable.get(), true);
            return;
        }
        InternalValueHandling handling = field.kind() == ShareableField.Kind.USER
                ? policy.internalUsers() : policy.internalAddresses();
        Optional<StixObservable> replacement = switch (handling) {
            case REMOVE -> Optional.empty();
            case KEEP -> observable;
            case PSEUDONYMISE -> policy.pseudonym(value).map(p -> field.kind() == ShareableField.Kind.USER
                    ? StixObservable.userAccount("pseudonym:" + p) : StixObservable.pseudonymousHost(p));
        };
        replacement.ifPresent(o -> shared.put(o, false));
    }

    private static Optional<StixObservable> observable(ShareableField field, String value) {
        return switch (field.kind()) {
            case ADDRESS -> StixObservable.ipAddress(value);
            case DOMAIN -> StixObservable.domain(value);
            case URL -> StixObservable.url(value);
            case FILE_HASH -> StixObservable.fileHash(field.hashAlgorithm(), value);
            case USER -> value.isBlank() ? Optional.empty() : Optional.of(StixObservable.userAccount(value.trim()));
        };
    }

    /**
     * Values of shared fields on an event the enrich stage found in the asset inventory on that field's side
     * ({@code vigil.destination.asset.*} present: its destination address, domain and URL are ours).
     */
    private static Set<String> assetValues(List<SecurityEvent> evidence, SharingPolicy policy) {
        Set<String> values = new HashSet<>();
        for (SecurityEvent event : evidence) {
            for (ShareableField field : ShareableField.values()) {
                String prefix = field.assetPrefix();
                if (prefix != null && event.fields().keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                    values.addAll(event.getStrings(field.field()));
                }
            }
        }
        return values;
    }

    private static String host(String url) {
        try {
            String host = new URI(url.trim()).getHost();
            return host == null ? "" : host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
