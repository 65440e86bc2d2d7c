package dev.prepaid.domain.payment;

import dev.prepaid.domain.DomainException;

/** Too many requests in the window: 429 with Retry-After. */
public final class RateLimitedException extends DomainException {
    private final long retryAfterSeconds;

    public RateLimitedException(String message, long retryAfterSeconds) {
        super("rate_limited", message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
