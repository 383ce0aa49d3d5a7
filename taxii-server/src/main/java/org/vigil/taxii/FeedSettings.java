package org.vigil.taxii;

import java.util.Map;

/**
 * Where the server reads the NCSC feed from and which collection receives it.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topic            the feed topic (STIX bundles, one per record)
 * @param collectionId     the collection the bundles' objects are added to
 * @param groupId          consumer group id (offsets live with the collection's objects; the group only names us)
 * @param properties       extra Kafka consumer properties (SASL, TLS), passed through unchanged
 */
public record FeedSettings(String bootstrapServers, String topic, String collectionId, String groupId,
        Map<String, String> properties) {
    public static final String DEFAULT_TOPIC = "ncsc.stix";
    public static final String DEFAULT_GROUP_ID = "vigil-taxii";

    public FeedSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("feed.bootstrap_servers is required");
        }
        if (collectionId == null || collectionId.isBlank()) {
            throw new IllegalArgumentException("feed.collection (the collection id the feed goes to) is required");
        }
        topic = topic == null ? DEFAULT_TOPIC : topic;
        groupId = groupId == null ? DEFAULT_GROUP_ID : groupId;
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }
}
