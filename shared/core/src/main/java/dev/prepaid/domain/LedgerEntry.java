package dev.prepaid.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable line of a user's ledger. The entry id is derived from the operation's idempotency key
 * (see {@link EntryIds}), so the same operation can never be written twice.
 *
 * @param sequence     the user's balance version after this entry: entries of one user are totally ordered
 * @param amount       signed: credits added are positive, credits taken are negative
 * @param fingerprint  a digest of the request parameters; a retry with other parameters is refused
 */
public record LedgerEntry(
        String entryId,
        UserId userId,
        EntryType type,
        Credits amount,
        Credits balanceAfter,
        long sequence,
        String idempotencyKey,
        String description,
        String operation,
        Map<String, String> metadata,
        Instant createdAt,
        String fingerprint) {

    public LedgerEntry {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(balanceAfter, "balanceAfter");
        Objects.requireNonNull(createdAt, "createdAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
