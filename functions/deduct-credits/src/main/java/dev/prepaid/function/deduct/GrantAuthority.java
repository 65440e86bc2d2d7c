package dev.prepaid.function.deduct;

import dev.prepaid.wiring.DeductCreditsWiring;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.domain.Credits;

/**
 * Who may create or remove credits by hand on {@code POST /api/credits/grant}. A grant makes money out of nothing,
 * so credits/write (spend and give back) is not enough: {@code credits/grant} creates up to {@code MAX_GRANT} credits
 * per request (the app's backend may hold it, so a leaked app token is bounded per call); {@code credits/admin}
 * (operators) also takes credits away (a negative adjustment) and is not capped, because correcting a missing
 * purchase may need a whole pack.
 */
final class GrantAuthority {
    /** The template's MaxGrant default, when MAX_GRANT is not set (tests wiring the handler by hand). */
    static final Credits DEFAULT_MAX_GRANT = DeductCreditsWiring.DEFAULT_MAX_GRANT;

    private final Credits maxGrant;

    GrantAuthority(Credits maxGrant) {
        if (maxGrant == null || !maxGrant.isPositive()) {
            throw new IllegalArgumentException("MAX_GRANT must be greater than 0");
        }
        this.maxGrant = maxGrant;
    }

    Credits maxGrant() {
        return maxGrant;
    }

    /** The caller of the route: either scope lets the request in; what it may do is {@link #check}'s. */
    static Caller caller(HttpRequest request) {
        return Caller.serviceWithAnyOf(request, Caller.GRANT_SCOPE, Caller.ADMIN_SCOPE);
    }

    /** Refuses (403 / 422, before anything is written) an amount the caller's scopes do not cover. */
    void check(HttpRequest request, Caller caller, Credits amount) {
        if (caller.holds(request, Caller.ADMIN_SCOPE)) {
            return;
        }
        if (amount.isNegative()) { // zero is the service's 400 invalid_amount
            throw new ApiException(403, "forbidden", "taking credits away (a negative adjustment) needs the scope "
                    + Caller.ADMIN_SCOPE);
        }
        if (amount.compareTo(maxGrant) > 0) {
            throw new ApiException(422, "grant_over_limit", "one grant may create at most " + maxGrant.toBigDecimal()
                    .toPlainString() + " credits with the scope " + Caller.GRANT_SCOPE)
                    .detail("maxGrant", maxGrant.toBigDecimal());
        }
    }
}
