package dev.prepaid.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A balance change, fully decided by the domain, that the ledger store applies atomically and at most
 * once: the balance moves by {@code amount} under {@code rule}, the entry {@code entryId} is written, and
 * the optional counter advances, and its effects (order completion, payment link, subscription
 * record, plan) are written — all in one transaction, or none of it.
 */
public record Posting(
        UserId userId,
        String entryId,
        EntryType type,
        Credits amount,
        BalanceRule rule,
        String idempotencyKey,
        String fingerprint,
        String description,
        String operation,
        Map<String, String> metadata,
        Instant at,
        Optional<LimitCounter> counter,
        List<PostingEffect> effects) {

    /** A posting that changes nothing but the balance, the entry and its counter. */
    public Posting(UserId userId, String entryId, EntryType type, Credits amount, BalanceRule rule,
                   String idempotencyKey, String fingerprint, String description, String operation,
                   Map<String, String> metadata, Instant at, Optional<LimitCounter> counter) {
        this(userId, entryId, type, amount, rule, idempotencyKey, fingerprint, description, operation, metadata, at,
                counter, List.of());
    }

    public Posting {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(at, "at");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        // Stored with millisecond precision: truncate now so the first answer and every replay are identical.
        at = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        counter = counter == null ? Optional.empty() : counter;
        effects = effects == null ? List.of() : List.copyOf(effects);
    }

    /** The entry this posting writes on top of {@code before}. */
    public LedgerEntry entryAfter(Balance before) {
        Credits applied;
        if (rule == BalanceRule.REQUIRE_FUNDS) {
            // Active holds are reserved: a debit may use the balance minus what stays held after this posting.
            Credits reserved = before.held().minus(releasedHeld());
            rule.effectiveAmount(before.credits().minus(reserved), amount);
            applied = amount;
        } else {
            applied = rule.effectiveAmount(before.credits(), amount);
        }
        return new LedgerEntry(entryId, userId, type, applied, before.credits().plus(applied),
                before.sequence() + 1, idempotencyKey, description, operation, metadata, at, fingerprint);
    }

    /** What this posting takes off the user's {@code held}: the amounts of the holds it settles. */
    public Credits releasedHeld() {
        Credits released = Credits.ZERO;
        for (PostingEffect effect : effects) {
            if (effect instanceof PostingEffect.SettleHold settle) {
                released = released.plus(settle.hold().amount());
            }
        }
        return released;
    }
}
