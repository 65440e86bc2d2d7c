package dev.prepaid.application;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.LedgerStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A map-based {@link LedgerStore} for unit tests that honours the port's contract: a posting is applied
 * atomically and at most once (replay on the same fingerprint, {@link IdempotencyKeyReusedException} on a
 * different one), its {@link LimitCounter} may never pass its limit, and its {@code BalanceRule} is enforced
 * through {@link Posting#entryAfter}. Nothing is written when any check fails.
 */
final class InMemoryLedgerStore implements LedgerStore {
    private final Map<UserId, Balance> balances = new HashMap<>();
    private final Map<String, LedgerEntry> entries = new HashMap<>();
    private final Map<String, Credits> counters = new HashMap<>();
    private int posts;

    @Override
    public synchronized PostingResult post(Posting posting) {
        LedgerEntry existing = entries.get(posting.entryId());
        if (existing != null) {
            if (!existing.fingerprint().equals(posting.fingerprint())) {
                throw new IdempotencyKeyReusedException(posting.entryId());
            }
            return new PostingResult(existing, true);
        }
        Balance before = balances.getOrDefault(posting.userId(), Balance.empty(posting.userId()));
        LedgerEntry entry = posting.entryAfter(before);
        Optional<LimitCounter> counter = posting.counter();
        Credits counted = null;
        if (counter.isPresent()) {
            LimitCounter c = counter.get();
            Credits used = counters.getOrDefault(c.counterId(), Credits.ZERO);
            counted = used.plus(c.add());
            if (c.isRelease() && counted.isNegative()) {
                throw new LimitExceededException(c.limitCode(), c.counterId() + " would go below zero", c.limit(), used);
            }
            if (!c.isRelease() && c.limit().isLessThan(counted)) {
                throw new LimitExceededException(c.limitCode(), "the limit of " + c.counterId() + " would be passed",
                        c.limit(), used);
            }
        }
        entries.put(entry.entryId(), entry);
        balances.put(posting.userId(), new Balance(posting.userId(), entry.balanceAfter(), entry.sequence(),
                posting.at()));
        if (counted != null) {
            counters.put(counter.get().counterId(), counted);
        }
        posts++;
        return new PostingResult(entry, false);
    }

    /** How many postings were applied (replays and refusals not counted). */
    synchronized int appliedPostings() {
        return posts;
    }

    synchronized Optional<Credits> counter(String counterId) {
        return Optional.ofNullable(counters.get(counterId));
    }

    @Override
    public synchronized Optional<Balance> balance(UserId userId) {
        return Optional.ofNullable(balances.get(userId));
    }

    @Override
    public synchronized Optional<LedgerEntry> entry(String entryId) {
        return Optional.ofNullable(entries.get(entryId));
    }

    /** Newest first; the cursor is the sequence of the last entry returned. */
    @Override
    public synchronized HistoryPage history(UserId userId, Optional<EntryType> type, int limit,
                                            Optional<String> cursor) {
        long below = cursor.map(Long::parseLong).orElse(Long.MAX_VALUE);
        List<LedgerEntry> matching = entries.values().stream()
                .filter(e -> e.userId().equals(userId))
                .filter(e -> type.map(t -> e.type() == t).orElse(true))
                .filter(e -> e.sequence() < below)
                .sorted(Comparator.comparingLong(LedgerEntry::sequence).reversed())
                .collect(Collectors.toList());
        List<LedgerEntry> page = matching.subList(0, Math.min(limit, matching.size()));
        Optional<String> next = matching.size() > limit
                ? Optional.of(Long.toString(page.get(page.size() - 1).sequence()))
                : Optional.empty();
        return new HistoryPage(page, next);
    }

    @Override
    public synchronized List<LedgerEntry> entries(UserId userId, EntryType type, Instant from, Instant to, int max) {
        return entries.values().stream()
                .filter(e -> e.userId().equals(userId) && e.type() == type)
                .filter(e -> !e.createdAt().isBefore(from) && e.createdAt().isBefore(to))
                .sorted(Comparator.comparing(LedgerEntry::createdAt).thenComparingLong(LedgerEntry::sequence))
                .limit(max)
                .collect(Collectors.toList());
    }
}
