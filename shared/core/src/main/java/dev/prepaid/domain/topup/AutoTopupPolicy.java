package dev.prepaid.domain.topup;

import java.time.Duration;

/**
 * The limits of auto top-up, per stack: the cooldown between two attempts of one user, the most attempts a user's
 * card is charged in a UTC month, the consecutive failures after which the opt-in is disabled, and how long an
 * attempt may stay in flight before a new trigger takes it over (resumes it under the same idempotency key).
 */
public record AutoTopupPolicy(Duration cooldown, int monthlyCap, int maxFailures, Duration staleAttempt) {
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(60);
    public static final int DEFAULT_MONTHLY_CAP = 5;
    public static final int DEFAULT_MAX_FAILURES = 3;
    public static final Duration DEFAULT_STALE_ATTEMPT = Duration.ofMinutes(15);

    public AutoTopupPolicy {
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("the auto top-up cooldown must be zero or positive");
        }
        if (monthlyCap < 1) {
            throw new IllegalArgumentException("the auto top-up monthly cap must be at least 1");
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("the auto top-up failure limit must be at least 1");
        }
        if (staleAttempt == null || staleAttempt.isNegative() || staleAttempt.isZero()) {
            throw new IllegalArgumentException("the stale-attempt time must be positive");
        }
    }

    public static AutoTopupPolicy defaults() {
        return new AutoTopupPolicy(DEFAULT_COOLDOWN, DEFAULT_MONTHLY_CAP, DEFAULT_MAX_FAILURES, DEFAULT_STALE_ATTEMPT);
    }
}
