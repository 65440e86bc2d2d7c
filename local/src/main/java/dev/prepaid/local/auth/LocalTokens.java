package dev.prepaid.local.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The local identity provider and the API's JWT authorizer in one: it issues HS256 tokens
 * ({@code iss = prepaid-local}) and verifies them the way API Gateway's JWT authorizer does: signature,
 * expiry and issuer; a wrong, expired or missing token is a 401 (the stand-in answers it when this returns
 * null); the route's scopes are checked by the stand-in (403). Claims reach the handler as strings, as API
 * Gateway renders them.
 */
public final class LocalTokens implements ApiGatewayStandIn.Authorizer {
    public static final String ISSUER = "prepaid-local";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");

    private final Hs256Jwt jwt;
    private final Clock clock;

    public LocalTokens(byte[] secret, Clock clock) {
        this.jwt = new Hs256Jwt(secret);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token for {@code subject} (validated like a user id) with {@code scope} (space separated, optional).
     *
     * @throws ValidationException for a subject that is not a valid user id, or a malformed scope
     */
    public String issue(String subject, String scope, Duration ttl) {
        new UserId(subject); // the same rule as the API's user ids
        if (scope != null && !scope.isEmpty() && !SCOPE.matcher(scope).matches()) {
            throw new ValidationException("invalid_scope", "scope is space-separated printable words");
        }
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        if (scope != null && !scope.isEmpty()) {
            claims.put("scope", scope);
        }
        claims.put("iat", now);
        claims.put("exp", now + ttl.toSeconds());
        return jwt.sign(claims);
    }

    /** The verified claims as strings, or why the token is refused. */
    public Map<String, String> verify(String token) throws Hs256Jwt.InvalidTokenException {
        ObjectNode claims = jwt.verify(token, clock.instant());
        if (!ISSUER.equals(claims.path("iss").asText(null))) {
            throw new Hs256Jwt.InvalidTokenException("wrong issuer");
        }
        String sub = claims.path("sub").asText("");
        if (sub.isBlank()) {
            throw new Hs256Jwt.InvalidTokenException("no subject");
        }
        Map<String, String> result = new LinkedHashMap<>();
        claims.properties().forEach(e -> result.put(e.getKey(), render(e.getValue())));
        return result;
    }

    /** The authorizer: claims of the request's bearer token, or null (401). */
    @Override
    public Map<String, String> apply(Map<String, String> headers) {
        String token = bearer(headers);
        if (token == null) {
            return null;
        }
        try {
            return verify(token);
        } catch (Hs256Jwt.InvalidTokenException e) {
            return null;
        }
    }

    /** The token of an {@code Authorization: Bearer ...} header (header names in any case), or null. */
    public static String bearer(Map<String, String> headers) {
        String value = null;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase("authorization")) {
                value = e.getValue();
            }
        }
        if (value == null) {
            return null;
        }
        value = value.trim();
        if (value.length() < 8 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** As API Gateway hands claims to a Lambda: strings; an array as "[a b]". */
    private static String render(JsonNode value) {
        if (value.isArray()) {
            StringBuilder out = new StringBuilder("[");
            value.forEach(item -> out.append(out.length() > 1 ? " " : "").append(item.asText()));
            return out.append(']').toString();
        }
        if (value.isNumber()) {
            return value.isIntegralNumber() ? Long.toString(value.asLong()) : value.asText();
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    public Instant now() {
        return clock.instant();
    }
}
