package dev.prepaid.local.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JSON Web Tokens signed with HMAC-SHA256 (RFC 7519 / 7515, {@code alg: HS256}), with javax.crypto only.
 * Verification accepts exactly HS256 (never {@code none} or another algorithm), compares the signature in
 * constant time, and requires a numeric {@code exp} in the future (and {@code nbf}, when present, in the past).
 */
public final class Hs256Jwt {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String HEADER = ENCODER.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Clock skew tolerated on exp and nbf. */
    static final long LEEWAY_SECONDS = 0;

    /** Why a token was refused. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message);
        }
    }

    private final byte[] secret;

    public Hs256Jwt(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes");
        }
        this.secret = secret.clone();
    }

    /** A signed token carrying {@code claims} (strings, numbers, booleans, lists). */
    public String sign(Map<String, ?> claims) {
        try {
            String payload = ENCODER.encodeToString(JSON.writeValueAsBytes(claims));
            String signingInput = HEADER + "." + payload;
            return signingInput + "." + ENCODER.encodeToString(hmac(signingInput));
        } catch (IOException e) {
            throw new IllegalArgumentException("claims are not JSON", e);
        }
    }

    /** The verified claims of {@code token}. */
    public ObjectNode verify(String token, Instant now) throws InvalidTokenException {
        if (token == null || token.isEmpty()) {
            throw new InvalidTokenException("no token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new InvalidTokenException("not a signed JWT");
        }
        JsonNode header = json(parts[0], "header");
        if (!"HS256".equals(header.path("alg").asText(null))) {
            throw new InvalidTokenException("the algorithm must be HS256");
        }
        byte[] signature;
        try {
            signature = DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the signature is not base64url");
        }
        if (!MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
            throw new InvalidTokenException("bad signature");
        }
        JsonNode payload = json(parts[1], "payload");
        if (!(payload instanceof ObjectNode claims)) {
            throw new InvalidTokenException("the payload is not a JSON object");
        }
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw new InvalidTokenException("no numeric exp");
        }
        if (now.getEpochSecond() >= exp.asLong() + LEEWAY_SECONDS) {
            throw new InvalidTokenException("expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || now.getEpochSecond() + LEEWAY_SECONDS < nbf.asLong())) {
            throw new InvalidTokenException("not valid yet");
        }
        return claims;
    }

    private static JsonNode json(String part, String what) throws InvalidTokenException {
        try {
            return JSON.readTree(DECODER.decode(part));
        } catch (IllegalArgumentException | IOException e) {
            throw new InvalidTokenException("the " + what + " is not base64url JSON");
        }
    }

    private byte[] hmac(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
