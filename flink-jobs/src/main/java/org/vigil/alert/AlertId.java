package org.vigil.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Derives the deterministic alert id from rule id, version, entity and the ids of the triggering events. */
public final class AlertId {
    private AlertId() {}

    /** A 32-hex-digit id (128 bits of SHA-256); equal inputs give equal ids, in any run. */
    public static String of(String ruleId, int ruleVersion, String partitionField, String partitionValue,
                            List<String> triggeringEventIds) {
        MessageDigest sha = sha256();
        update(sha, ruleId);
        update(sha, Integer.toString(ruleVersion));
        update(sha, partitionField);
        update(sha, partitionValue);
        for (String id : triggeringEventIds) {
            update(sha, id);
        }
        byte[] digest = sha.digest();
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private static void update(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed so that ("ab","c") and ("a","bc") differ.
        sha.update((byte) (bytes.length >>> 24));
        sha.update((byte) (bytes.length >>> 16));
        sha.update((byte) (bytes.length >>> 8));
        sha.update((byte) bytes.length);
        sha.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }
}
