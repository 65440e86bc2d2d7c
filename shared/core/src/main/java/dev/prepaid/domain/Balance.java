package dev.prepaid.domain;

import java.time.Instant;

/**
 * A user's current balance and its version. The version (sequence) counts the entries applied so far;
 * every change is conditioned on it, which is what makes a recorded balance-after exact.
 *
 * @param held the sum of the user's active holds (reserved, not spent: no entry, the balance is unchanged);
 *             what deducts and new holds may use is {@link #available()}
 * @param lowThreshold the user's own {@code credits.low} threshold; null: the stack's default applies
 */
public record Balance(UserId userId, Credits credits, long sequence, Instant updatedAt, Credits held,
                      Credits lowThreshold) {

    public Balance {
        held = held == null ? Credits.ZERO : held;
    }

    public Balance(UserId userId, Credits credits, long sequence, Instant updatedAt, Credits held) {
        this(userId, credits, sequence, updatedAt, held, null);
    }

    public Balance(UserId userId, Credits credits, long sequence, Instant updatedAt) {
        this(userId, credits, sequence, updatedAt, Credits.ZERO, null);
    }

    public static Balance empty(UserId userId) {
        return new Balance(userId, Credits.ZERO, 0, null);
    }

    public boolean exists() {
        return sequence > 0;
    }

    /** Balance minus active holds: what a deduct or a new hold may take. */
    public Credits available() {
        return credits.minus(held);
    }

    public Balance withHeld(Credits newHeld) {
        return new Balance(userId, credits, sequence, updatedAt, newHeld, lowThreshold);
    }
}
