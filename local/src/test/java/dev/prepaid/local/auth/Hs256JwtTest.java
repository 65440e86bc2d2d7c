package dev.prepaid.local.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class Hs256JwtTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    final Hs256Jwt jwt = new Hs256Jwt(SECRET);

    static Map<String, Object> claims(long exp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "prepaid-local");
        claims.put("sub", "alice");
        claims.put("scope", "credits/write");
        claims.put("iat", NOW.getEpochSecond());
        claims.put("exp", exp);
        return claims;
    }

    static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signsAStandardHs256TokenAndVerifiesIt() throws Exception {
        String token = jwt.sign(claims(NOW.getEpochSecond() + 60));
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        assertEquals("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        // The signature is HMAC-SHA256 over "header.payload", base64url without padding (RFC 7515).
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(Base64.getUrlDecoder().decode(parts[2])));
        assertTrue(!token.contains("="), "no padding");

        ObjectNode verified = jwt.verify(token, NOW);
        assertEquals("alice", verified.get("sub").asText());
        assertEquals("credits/write", verified.get("scope").asText());
        assertEquals(NOW.getEpochSecond() + 60, verified.get("exp").asLong());
    }

    @Test
    void verifiesATokenMadeElsewhere() throws Exception {
        // RFC 7519 section 3.1's shape with our secret: built by hand, not by sign().
        String header = b64("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
        String payload = b64("{\"iss\":\"joe\",\r\n \"exp\":" + (NOW.getEpochSecond() + 10) + ",\r\n \"http://example.com/is_root\":true}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        assertEquals("joe", jwt.verify(header + "." + payload + "." + signature, NOW).get("iss").asText());
    }

    @Test
    void aTamperedPayloadOrSignatureIsRefused() {
        String token = jwt.sign(claims(NOW.getEpochSecond() + 60));
        String[] parts = token.split("\\.");
        String richer = b64("{\"iss\":\"prepaid-local\",\"sub\":\"mallory\",\"scope\":\"credits/write\",\"exp\":"
                + (NOW.getEpochSecond() + 60) + "}");
        assertRefused(parts[0] + "." + richer + "." + parts[2], "bad signature");
        char[] signature = parts[2].toCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        assertRefused(parts[0] + "." + parts[1] + "." + new String(signature), "bad signature");
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 20), "bad signature");
        assertRefused(parts[0] + "." + parts[1] + ".", "not a signed JWT");
        assertRefused(parts[0] + "." + parts[1], "not a signed JWT");
        assertRefused("", "no token");
        assertRefused("a.b.c", "the header is not base64url JSON");
    }

    @Test
    void otherAlgorithmsAreRefused() {
        String token = jwt.sign(claims(NOW.getEpochSecond() + 60));
        String payload = token.split("\\.")[1];
        assertRefused(b64("{\"alg\":\"none\"}") + "." + payload + ".x", "the algorithm must be HS256");
        assertRefused(b64("{\"alg\":\"HS512\"}") + "." + payload + "." + token.split("\\.")[2], "the algorithm must be HS256");
        assertRefused(b64("{\"typ\":\"JWT\"}") + "." + payload + "." + token.split("\\.")[2], "the algorithm must be HS256");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = jwt.sign(claims(NOW.getEpochSecond() + 60));
        assertNotNull(jwt.verify(token, NOW.plusSeconds(59)));
        assertRefused(token, NOW.plusSeconds(60), "expired");
        assertRefused(token, NOW.plusSeconds(3600), "expired");
        Map<String, Object> noExp = claims(0);
        noExp.remove("exp");
        assertRefused(jwt.sign(noExp), NOW, "no numeric exp");
        Map<String, Object> textExp = claims(0);
        textExp.put("exp", "soon");
        assertRefused(jwt.sign(textExp), NOW, "no numeric exp");
        Map<String, Object> notYet = claims(NOW.getEpochSecond() + 600);
        notYet.put("nbf", NOW.getEpochSecond() + 60);
        assertRefused(jwt.sign(notYet), NOW, "not valid yet");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        byte[] other = Arrays.copyOf(SECRET, SECRET.length);
        other[0] ^= 1;
        String token = new Hs256Jwt(other).sign(claims(NOW.getEpochSecond() + 60));
        assertRefused(token, "bad signature");
        assertThrows(IllegalArgumentException.class, () -> new Hs256Jwt(new byte[31]), "at least 32 bytes");
    }

    @Test
    void localTokensIssueVerifyAndAuthorize() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        LocalTokens tokens = new LocalTokens(SECRET, clock);
        String token = tokens.issue("alice", "credits/write", Duration.ofHours(1));
        Map<String, String> claims = tokens.verify(token);
        assertEquals(Map.of("iss", "prepaid-local", "sub", "alice", "scope", "credits/write",
                "iat", Long.toString(NOW.getEpochSecond()), "exp", Long.toString(NOW.getEpochSecond() + 3600)), claims);

        assertEquals(claims, tokens.apply(Map.of("authorization", "Bearer " + token)));
        assertEquals(claims, tokens.apply(Map.of("Authorization", "bearer " + token)));
        assertNull(tokens.apply(Map.of()), "missing: 401");
        assertNull(tokens.apply(Map.of("authorization", token)), "no Bearer scheme: 401");
        assertNull(tokens.apply(Map.of("authorization", "Bearer " + token + "x")), "tampered: 401");
        assertNull(new LocalTokens(SECRET, Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC))
                .apply(Map.of("authorization", "Bearer " + token)), "expired: 401");

        String user = tokens.issue("bob", null, Duration.ofMinutes(5));
        assertNull(tokens.verify(user).get("scope"), "a user's token carries no scope");

        // Someone else's HS256 token with the same secret but another issuer is not ours.
        Map<String, Object> foreign = claims(NOW.getEpochSecond() + 60);
        foreign.put("iss", "https://elsewhere.example");
        assertNull(tokens.apply(Map.of("authorization", "Bearer " + new Hs256Jwt(SECRET).sign(foreign))));
    }

    @Test
    void subjectsAndScopesAreValidated() {
        LocalTokens tokens = new LocalTokens(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
        for (String bad : new String[] {"", "has space", "a#b", "tab\t", "x".repeat(129), "nbsp\u00a0"}) {
            assertThrows(ValidationException.class, () -> tokens.issue(bad, null, Duration.ofMinutes(1)), "sub '" + bad + "'");
        }
        assertThrows(ValidationException.class, () -> tokens.issue("alice", "credits/write  extra", Duration.ofMinutes(1)));
        assertThrows(ValidationException.class, () -> tokens.issue("alice", "quote\"d", Duration.ofMinutes(1)));
        assertNotNull(tokens.issue("user_123@example.com", "credits/write credits/admin", Duration.ofMinutes(1)));
    }

    private void assertRefused(String token, String reason) {
        assertRefused(token, NOW, reason);
    }

    private void assertRefused(String token, Instant at, String reason) {
        Hs256Jwt.InvalidTokenException e = assertThrows(Hs256Jwt.InvalidTokenException.class, () -> jwt.verify(token, at));
        assertEquals(reason, e.getMessage());
    }
}
