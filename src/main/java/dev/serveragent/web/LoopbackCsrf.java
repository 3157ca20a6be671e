package dev.serveragent.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens of loopback page views that have no session row yet: HMAC-SHA256 of the browser's
 * cookie id under a key made at start that never leaves the process. A page can show the token
 * without a database write; the first post that returns it proves it came from a page of this
 * process. Thread-safe.
 */
final class LoopbackCsrf {
    /** A session id as {@link WebAccessPolicy} makes them: 32 random bytes in hex. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private final SecretKeySpec key;

    LoopbackCsrf(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    static boolean wellFormedId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    String tokenFor(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time: does {@code sent} equal the token of {@code id}? */
    boolean matches(String id, String sent) {
        return wellFormedId(id) && sent != null
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), tokenFor(id).getBytes(StandardCharsets.UTF_8));
    }
}
