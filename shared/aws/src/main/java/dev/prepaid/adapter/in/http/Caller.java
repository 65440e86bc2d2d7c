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
    /** Creating credits out of nothing, capped per grant; the app's backend may hold it next to credits/write. */
    public static final String GRANT_SCOPE = "credits/grant";

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

    /**
     * The app's backend or an operator, holding at least one of {@code scopes} (API Gateway's rule for a route
     * with several AuthorizationScopes: any one of them authorises).
     */
    public static Caller serviceWithAnyOf(HttpRequest request, String... scopes) {
        Caller caller = authenticated(request);
        for (String scope : scopes) {
            if (hasScope(request, caller, scope)) {
                return caller;
            }
        }
        throw new ApiException(403, "forbidden", "this route needs one of the scopes " + String.join(", ", scopes));
    }

    /** Whether this caller's token carries {@code scope} (the authorizer's list or the token's own claim). */
    public boolean holds(HttpRequest request, String scope) {
        return hasScope(request, this, scope);
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
