package dev.serveragent.config;

/**
 * What counts as a strong enough {@code ADMIN_TOKEN}: at least {@link #MIN_LENGTH} characters
 * and at least {@link #MIN_BITS} bits by the usual estimate, length × log2(size of the alphabet
 * its characters are drawn from: digits 10, lower case 26, upper case 26, others 33), with at
 * least {@link #MIN_DISTINCT} different characters (so {@code aaaa…} or {@code abab…} fail).
 * {@code openssl rand -hex 32} (64 hex digits, 256 bits) passes; so does any 32-character
 * password-manager string. At 128 bits an online guesser at 1,000 tries a second needs ~10^28
 * years, which is why the login throttle never has to refuse the right token.
 */
public final class TokenStrength {
    public static final int MIN_LENGTH = 32;
    public static final int MIN_BITS = 128;
    public static final int MIN_DISTINCT = 8;
    /** How an operator makes a good one; shown in the error. */
    public static final String HOW_TO_MAKE_ONE = "openssl rand -hex 32";

    private TokenStrength() {}

    /** Estimated bits of {@code token} (0 for an empty one). */
    public static int bits(String token) {
        boolean digit = false, lower = false, upper = false, other = false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else {
                other = true;
            }
        }
        int alphabet = (digit ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 33 : 0);
        return alphabet == 0 ? 0 : (int) Math.floor(token.length() * Math.log(alphabet) / Math.log(2));
    }

    /** Null when strong enough, else why not, in words that never include the token. */
    public static String weakness(String token) {
        if (token.length() < MIN_LENGTH) {
            return "it has " + token.length() + " characters, at least " + MIN_LENGTH + " are needed";
        }
        if (token.chars().distinct().count() < MIN_DISTINCT) {
            return "it repeats too few different characters";
        }
        int bits = bits(token);
        if (bits < MIN_BITS) {
            return "it carries about " + bits + " bits, at least " + MIN_BITS + " are needed";
        }
        return null;
    }
}
