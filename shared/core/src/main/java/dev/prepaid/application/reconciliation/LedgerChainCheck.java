package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.LedgerStore;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's balance against their ledger: the balance equals the sum of the entries, its version the highest
 * entry seq, and the seqs run on without a gap. Used by the balance walk and by the drift items' recheck.
 *
 * <p>Incremental: from the user's ledger-sum checkpoint (the entries up to its {@code seq} sum to its
 * {@code sum}), only the entries posted since are read and added. A full sum from the first entry is made
 * instead when asked ({@code full}: the user has an open drift item), when there is no checkpoint, or when the
 * checkpoint's last full sum is older than {@code fullResumAfter}; and a mismatch found incrementally is
 * confirmed by a full sum before it is reported, so a drift is always measured from the whole ledger. The
 * checkpoint advances only when the user is found whole (and their new purchases all have their orders,
 * {@link OrphanEntriesCheck}), and only over entries older than the settle lag; the store keeps it from moving
 * backwards.
 */
final class LedgerChainCheck {
    private static final int HISTORY_PAGE = 1000;
    private static final int BALANCE_ATTEMPTS = 3;

    /**
     * One read of a user's balance against their ledger.
     *
     * @param drift      null when whole
     * @param purchases  the purchase and subscription grant entries read
     * @param settledSeq the end of the gap-free run of entries older than the settle lag (what a checkpoint may
     *                   cover), and {@code settledSum} their sum with the base's
     */
    private record Measured(ReconciliationReport.UserDrift drift, List<LedgerEntry> purchases, long settledSeq,
                            long settledSum) {
    }

    private final LedgerStore ledger;
    private final ReconciliationStore store;
    private final OrphanEntriesCheck orphans;
    private final Duration fullResumAfter;
    private final Clock clock;

    LedgerChainCheck(LedgerStore ledger, ReconciliationStore store, OrphanEntriesCheck orphans,
                     Duration fullResumAfter, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.orphans = Objects.requireNonNull(orphans, "orphans");
        this.fullResumAfter = Objects.requireNonNull(fullResumAfter, "fullResumAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The user's drift, or empty when whole (then in {@code run.whole}) or when the balance kept moving. */
    Optional<ReconciliationReport.UserDrift> check(ReconciliationRun run, UserId user, boolean full) {
        ReconciliationStore.LedgerSum base = ReconciliationStore.LedgerSum.NONE;
        if (!full) {
            Optional<ReconciliationStore.LedgerSum> saved = store.ledgerSum(user);
            if (saved.isPresent() && saved.get().resummedAt().isAfter(run.startedAt.minus(fullResumAfter))) {
                base = saved.get();
            }
        }
        Measured measured = measure(run, user, base);
        if (measured != null && measured.drift() != null && base.seq() > 0) {
            base = ReconciliationStore.LedgerSum.NONE;
            measured = measure(run, user, base);
        }
        if (measured == null) {
            return Optional.empty(); // the balance kept changing: reported as balance_busy
        }
        boolean clean = orphans.check(run, user, measured.purchases());
        if (measured.drift() != null) {
            return Optional.of(measured.drift());
        }
        run.whole.add(user);
        boolean fromFirst = base.seq() == 0;
        if (clean && (measured.settledSeq() > base.seq() || (fromFirst && measured.settledSeq() > 0))) {
            try {
                store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(measured.settledSeq(),
                        measured.settledSum(), fromFirst ? run.startedAt : base.resummedAt(), clock.instant()));
            } catch (RuntimeException e) {
                run.error("drift_checkpoint", user.value(), e);
            }
        }
        return Optional.empty();
    }

    /**
     * The balance against {@code base} plus the entries after it. A posting between reading the balance and
     * reading the entries shows as a mismatch with a moved version: read again rather than report it.
     * Null when the balance kept moving.
     */
    private Measured measure(ReconciliationRun run, UserId user, ReconciliationStore.LedgerSum base) {
        for (int attempt = 1; ; attempt++) {
            Balance before = ledger.balance(user).orElse(Balance.empty(user));
            long sum = base.sum();
            long maxSeq = base.seq();
            long last = base.seq();
            boolean chain = true;
            long count = 0;
            long settledSeq = base.seq();
            long settledSum = base.sum();
            boolean settling = true;
            List<LedgerEntry> purchases = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            do {
                HistoryPage page = ledger.entriesAfter(user, base.seq(), HISTORY_PAGE, cursor);
                for (LedgerEntry entry : page.items()) {
                    sum = Math.addExact(sum, entry.amount().hundredths());
                    chain &= entry.sequence() == last + 1;
                    last = entry.sequence();
                    maxSeq = Math.max(maxSeq, entry.sequence());
                    count++;
                    settling &= chain && !entry.createdAt().isAfter(run.horizon);
                    if (settling) {
                        settledSeq = entry.sequence();
                        settledSum = sum;
                    }
                    if (entry.type() == EntryType.PURCHASE || entry.type() == EntryType.SUBSCRIPTION_GRANT) {
                        purchases.add(entry);
                    }
                }
                cursor = page.nextCursor();
            } while (cursor.isPresent());
            long balance = before.credits().hundredths();
            if (balance == sum && before.sequence() == maxSeq && chain) {
                return new Measured(null, purchases, settledSeq, settledSum);
            }
            Balance after = ledger.balance(user).orElse(Balance.empty(user));
            if (after.sequence() == before.sequence() || attempt >= BALANCE_ATTEMPTS) {
                if (after.sequence() != before.sequence()) {
                    run.error("drift", user.value(), "balance_busy", "the balance kept changing while it was checked");
                    return null;
                }
                return new Measured(new ReconciliationReport.UserDrift(user.value(), balance, sum, balance - sum,
                        before.sequence(), maxSeq, count), purchases, settledSeq, settledSum);
            }
        }
    }
}
