package dev.prepaid.adapter.in.http;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Who is calling, from the JWT claims API Gateway has already verified. API Gateway also enforces each
 * route's scopes; the handlers check again so that a mis-wired route cannot open a money path.
 */
public record Caller(String subject, Map<String, String> claims) {
    public static final String WRITE_SCOPE = "credits/write";
    public static final String ADMIN_SCOPE = "credits/admin";

    /** A signed-in user: their id is the token's subject and never comes from the body or the query. */
    public static UserId user(HttpRequest request) {
        Caller caller = authenticated(request);
        try {
            return new UserId(caller.subject());
        } catch (ValidationException e) {
            throw new ApiException(401, "unauthorized", "the token's subject is not a valid user id");
        }
    }

    /** The app's backend, holding a client-credentials token with {@code scope}. */
    public static Caller service(HttpRequest request, String scope) {
        Caller caller = authenticated(request);
        if (!hasScope(request, caller, scope)) {
            throw new ApiException(403, "forbidden", "this route needs the scope " + scope);
        }
        return caller;
    }

    private static Caller authenticated(HttpRequest request) {
        Map<String, String> claims = request.claims();
        String subject = claims.get("sub");
        if (subject == null || subject.isBlank()) {
            throw new ApiException(401, "unauthorized", "a valid bearer token is required");
        }
        String exp = claims.get("exp");
        if (exp != null) {
            try {
                if (Instant.ofEpochSecond(Long.parseLong(exp.trim())).isBefore(Instant.now())) {
                    throw new ApiException(401, "unauthorized", "the token has expired");
                }
            } catch (NumberFormatException e) {
                throw new ApiException(401, "unauthorized", "the token's expiry is not a number");
            }
        }
        return new Caller(subject, claims);
    }

    private static boolean hasScope(HttpRequest request, Caller caller, String scope) {
        if (request.authorizerScopes().contains(scope)) {
            return true;
        }
        String claim = caller.claims().get("scope");
        if (claim == null) {
            claim = caller.claims().get("scp");
        }
        if (claim == null) {
            return false;
        }
        // Space separated per RFC 8693; API Gateway renders array claims as "[a b]".
        String normalized = claim.replace('[', ' ').replace(']', ' ').replace(',', ' ');
        return Arrays.asList(normalized.trim().split("\\s+")).contains(scope);
    }
}
