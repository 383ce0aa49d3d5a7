package org.vigil.taxii;

/**
 * The Kafka record a batch of objects came from; stored with the objects so a restart resumes after it.
 *
 * @param topic     the feed topic
 * @param partition its partition
 * @param offset    the record's offset
 */
public record FeedPosition(String topic, int partition, long offset) {
    String partitionKey() {
        return topic + "-" + partition;
    }
}
