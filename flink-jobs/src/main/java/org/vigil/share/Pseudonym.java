package org.vigil.share;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of internal values: the first 128 bits of HMAC-SHA256 under the SOC's secret, in hex.
 *
 * <p>A plain hash would not do: the IPv4 space and a province's user names are small enough to hash them all and
 * reverse the pseudonym; without the key a recipient cannot.
 */
public final class Pseudonym implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";
    /** Shorter secrets make the pseudonyms guessable by brute force of the key. */
    public static final int MIN_KEY_BYTES = 16;

    private final byte[] key;

    public Pseudonym(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the pseudonym key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** 32 hex digits, equal for equal values under the same key. */
    public String of(String value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JVM without " + ALGORITHM, e);
        }
    }
}
