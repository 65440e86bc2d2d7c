package dev.prepaid.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Credits reserved for work in progress (a long AI job): the user's {@code held} total carries them, so they
 * are not available to other deducts, while the balance itself is unchanged (no ledger entry). The hold ends
 * exactly once: captured (a usage entry for the actual cost), released, or expired at {@code expiresAt}.
 *
 * @param capturedAmount what the capture posted (null unless captured)
 * @param entryId        the capture's usage entry (null unless captured)
 * @param settledAt      when it left {@code ACTIVE} (null while active)
 */
public record Hold(
        String holdId,
        UserId userId,
        Credits amount,
        HoldStatus status,
        String idempotencyKey,
        String fingerprint,
        String operation,
        String description,
        Instant createdAt,
        Instant expiresAt,
        Credits capturedAmount,
        String entryId,
        Instant settledAt) {

    public Hold {
        Objects.requireNonNull(holdId, "holdId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        createdAt = createdAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** Active and not yet past its expiry: the only hold that may be captured. */
    public boolean isLive(Instant now) {
        return status == HoldStatus.ACTIVE && now.isBefore(expiresAt);
    }

    /** Active in the store but past its expiry: it counts as released; the next write or reconciliation marks it. */
    public boolean isDue(Instant now) {
        return status == HoldStatus.ACTIVE && !now.isBefore(expiresAt);
    }

    public Hold settled(HoldStatus to, Credits captured, String captureEntryId, Instant at) {
        return new Hold(holdId, userId, amount, to, idempotencyKey, fingerprint, operation, description, createdAt,
                expiresAt, captured, captureEntryId, at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
