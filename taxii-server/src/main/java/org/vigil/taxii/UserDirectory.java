package org.vigil.taxii;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's users: HTTP Basic (user name and PBKDF2-hashed password) or bearer tokens (SHA-256-hashed), mapped to
 * the user name that collection rights refer to.
 */
public final class UserDirectory {
    private static final int VERIFIED_CACHE_SIZE = 1024;

    private final Map<String, String> passwordHashes;
    private final Map<String, String> usersByTokenHash;
    // A correct Basic header verified once is remembered by its SHA-256, so PBKDF2 (slow on purpose) runs once per
    // client rather than once per request; the cache never holds a password, and a wrong one is never cached.
    private final Map<String, String> verifiedBasic = new ConcurrentHashMap<>();

    private UserDirectory(Map<String, String> passwordHashes, Map<String, String> usersByTokenHash) {
        this.passwordHashes = Map.copyOf(passwordHashes);
        this.usersByTokenHash = Map.copyOf(usersByTokenHash);
    }

    /**
     * Users with hashed credentials.
     *
     * @param passwordHashes user → {@code pbkdf2-sha256$...} hash
     * @param tokenHashes    user → {@code sha256$...} hashes of that user's bearer tokens
     */
    public static UserDirectory of(Map<String, String> passwordHashes, Map<String, Set<String>> tokenHashes) {
        passwordHashes.forEach(PasswordHash::checkWellFormed);
        Map<String, String> byToken = new HashMap<>();
        tokenHashes.forEach((user, hashes) -> hashes.forEach(h -> {
            if (!h.matches("sha256\\$[0-9a-f]{64}")) {
                throw new IllegalArgumentException("user '" + user + "': token hash is not sha256$<64 hex digits>; "
                        + "make one with 'vigil taxii new-token'");
            }
            byToken.put(h, user);
        }));
        return new UserDirectory(passwordHashes, byToken);
    }

    /** Users with the plain passwords of a reference server's test config (fixture mode only), hashed on load. */
    static UserDirectory ofPlainPasswords(Map<String, String> passwords) {
        Map<String, String> hashes = new HashMap<>();
        passwords.forEach((user, password) -> hashes.put(user, PasswordHash.hash(password.toCharArray(), 10_000)));
        return new UserDirectory(hashes, Map.of());
    }

    /** The user an Authorization header proves, or null when it is missing, malformed or wrong. */
    public String authenticate(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = authorization.substring(0, space);
        String credentials = authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return usersByTokenHash.get(PasswordHash.tokenHash(credentials));
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return null;
        }
        String cacheKey = HexFormat.of().formatHex(PasswordHash.sha256(credentials));
        String cached = verifiedBasic.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String hash = passwordHashes.get(user);
        if (hash == null || !PasswordHash.verify(decoded.substring(colon + 1).toCharArray(), hash)) {
            return null;
        }
        if (verifiedBasic.size() < VERIFIED_CACHE_SIZE) {
            verifiedBasic.put(cacheKey, user);
        }
        return user;
    }
}
