package dev.prepaid.port.out;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.Hold;
import dev.prepaid.domain.HoldWrite;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where balances and ledger entries live. The DynamoDB adapter is the production implementation. */
public interface LedgerStore {

    /**
     * Applies a posting atomically and at most once: the balance change, the entry and the posting's
     * counter commit together or not at all. A posting whose entry already exists is not applied again;
     * the existing entry is returned as replayed, or {@code IdempotencyKeyReusedException} is thrown when
     * its fingerprint differs.
     */
    PostingResult post(Posting posting);

    Optional<Balance> balance(UserId userId);

    Optional<LedgerEntry> entry(String entryId);

    /** A user's entries, newest first, optionally of one type; the cursor is opaque to callers. */
    HistoryPage history(UserId userId, Optional<EntryType> type, int limit, Optional<String> cursor);

    /**
     * A user's entries with a version ({@code seq}) above {@code afterSeq}, oldest first (ascending seq), at most
     * {@code limit} per page; the cursor is opaque to callers. What the incremental drift check reads: only the
     * entries posted since its per-user checkpoint. The default reads the whole history and filters it (for
     * stores without an index by version); the DynamoDB adapter queries GSI1 from the version on.
     */
    default HistoryPage entriesAfter(UserId userId, long afterSeq, int limit, Optional<String> cursor) {
        if (cursor.isPresent()) {
            return new HistoryPage(List.of(), Optional.empty());
        }
        java.util.ArrayList<LedgerEntry> newer = new java.util.ArrayList<>();
        Optional<String> next = Optional.empty();
        do {
            HistoryPage page = history(userId, Optional.empty(), 1000, next);
            page.items().stream().filter(e -> e.sequence() > afterSeq).forEach(newer::add);
            next = page.nextCursor();
        } while (next.isPresent());
        newer.sort(java.util.Comparator.comparingLong(LedgerEntry::sequence));
        return new HistoryPage(newer, Optional.empty());
    }

    /**
     * Counter {@code counterId} as stored (read consistently): its credits total and its money total (minor
     * units, 0 when it tracks none); empty when no posting has touched it yet.
     */
    default Optional<CounterTotals> counterTotals(String counterId) {
        throw new UnsupportedOperationException("this store does not read counters");
    }

    record CounterTotals(dev.prepaid.domain.Credits total, long money) {
    }

    /** A user's entries of one type created in {@code [from, to)}, oldest first, at most {@code max}. */
    List<LedgerEntry> entries(UserId userId, EntryType type, Instant from, Instant to, int max);

    // --- holds (credits reserved for work in progress; see docs/data-model.md) ---------------------------------

    /**
     * Writes a new active hold and adds its amount to the user's {@code held}, in one transaction, when the
     * balance minus what is already held covers it ({@code InsufficientCreditsException} otherwise). A hold with
     * that id already stored is a replay ({@code IdempotencyKeyReusedException} when its fingerprint differs).
     */
    default HoldWrite createHold(Hold hold) {
        throw new UnsupportedOperationException("this store keeps no holds");
    }

    /** The hold with that id, read consistently. */
    default java.util.Optional<Hold> hold(String holdId) {
        throw new UnsupportedOperationException("this store keeps no holds");
    }

    /**
     * Ends an active hold without a posting: {@code RELEASED} (under {@code status = active}) or {@code EXPIRED}
     * (under {@code status = active} and its expiry at or before {@code at}), and takes its amount off the user's
     * {@code held} in the same transaction. Exactly once: a hold no longer active throws
     * {@link dev.prepaid.domain.HoldMovedException} with the hold as stored.
     */
    default HoldWrite endHold(Hold hold, dev.prepaid.domain.HoldStatus to, Instant at) {
        throw new UnsupportedOperationException("this store keeps no holds");
    }

    /** A user's active holds (expired or not), soonest expiry first, at most {@code max}. */
    default List<Hold> activeHolds(UserId userId, int max) {
        throw new UnsupportedOperationException("this store keeps no holds");
    }

    /** Active holds of any user whose expiry is at or before {@code now}, at most {@code max}: reconciliation's sweep. */
    default List<Hold> dueHolds(Instant now, int max) {
        throw new UnsupportedOperationException("this store keeps no holds");
    }
}
