package dev.prepaid.domain;

import java.time.Instant;

/**
 * A user's current balance and its version. The version (sequence) counts the entries applied so far;
 * every change is conditioned on it, which is what makes a recorded balance-after exact.
 */
public record Balance(UserId userId, Credits credits, long sequence, Instant updatedAt, Credits lowThreshold) {

    /**
     * A balance without a threshold of its own ({@code lowThreshold} null: the stack's default applies to its
     * {@code credits.low} event).
     */
    public Balance(UserId userId, Credits credits, long sequence, Instant updatedAt) {
        this(userId, credits, sequence, updatedAt, null);
    }

    public static Balance empty(UserId userId) {
        return new Balance(userId, Credits.ZERO, 0, null);
    }

    public boolean exists() {
        return sequence > 0;
    }
}
