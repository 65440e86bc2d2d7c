package dev.prepaid.domain;

import java.time.Instant;

/**
 * A user's current balance and its version. The version (sequence) counts the entries applied so far;
 * every change is conditioned on it, which is what makes a recorded balance-after exact.
 */
public record Balance(UserId userId, Credits credits, long sequence, Instant updatedAt) {

    public static Balance empty(UserId userId) {
        return new Balance(userId, Credits.ZERO, 0, null);
    }

    public boolean exists() {
        return sequence > 0;
    }
}
