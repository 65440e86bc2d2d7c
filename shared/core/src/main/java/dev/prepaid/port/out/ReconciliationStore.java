package dev.prepaid.port.out;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reconciliation's own reads and writes: the bounded, resumable walks over its work lists (GSI4 in the
 * DynamoDB adapter), its checkpoint and its latest report. Cursors are opaque; every walk returns at most
 * {@code limit} items and is also bounded in the queries it makes, so one call never runs away.
 */
public interface ReconciliationStore {

    /** Pending orders created before {@code createdBefore}, oldest first, after {@code cursor}. */
    Page<Order> pendingOrders(Instant createdBefore, String cursor, int limit);

    /** Orders completed in {@code [from, until)}, in time order, after {@code cursor}. */
    Page<Order> completedOrders(Instant from, Instant until, String cursor, int limit);

    /** Users whose balance last changed in {@code [from, until)}, hour bucket by hour bucket, shard by shard. */
    Page<ChangedBalance> changedBalances(Instant from, Instant until, String cursor, int limit);

    /**
     * How many orders closed in {@code [from, until)}: completed (paid), failed and expired, whoever closed them
     * (webhook, browser callback or reconciliation). Counted from the per-day completed and closed buckets.
     */
    OrderOutcomes orderOutcomes(Instant from, Instant until);

    /** The payment mismatches still kept (about 90 days), newest first, at most {@code limit}. */
    List<dev.prepaid.domain.payment.PaymentMismatch> paymentMismatches(int limit);

    /** The open drift items in user order, at most {@code limit}. */
    List<ReconciliationReport.OpenDrift> openDrifts(int limit);

    /**
     * Opens or refreshes the drift item of {@code drift.userId()}: its size and versions as found {@code at};
     * {@code firstSeen} is kept when the item exists. Returns the item as saved.
     */
    ReconciliationReport.OpenDrift saveDrift(ReconciliationReport.UserDrift drift, Instant at);

    /** Closes the drift item of {@code userId} (the balance agrees with its ledger again); no-op when none. */
    void resolveDrift(String userId);

    /** The user's ledger-sum checkpoint (what the incremental drift check starts from), read consistently. */
    Optional<LedgerSum> ledgerSum(UserId userId);

    /**
     * Saves the user's ledger-sum checkpoint unless the stored one is ahead: written when none exists, when the
     * stored {@code seq} is lower, or when it is equal and was re-summed in full earlier than {@code sum}. So two
     * overlapping runs can never move it backwards. False when the stored one was kept.
     */
    boolean saveLedgerSum(UserId userId, LedgerSum sum);

    Optional<ReconciliationCheckpoint> checkpoint();

    /**
     * Saves {@code checkpoint} if the stored one still has version {@code checkpoint.version() - 1} (or
     * none exists and this is version 1); false when another run moved it first.
     */
    boolean saveCheckpoint(ReconciliationCheckpoint checkpoint);

    void saveReport(ReconciliationReport report);

    Optional<ReconciliationReport> latestReport();

    /**
     * @param complete false when the count stopped at its query budget (the counts are then a lower bound)
     */
    record OrderOutcomes(int completed, int failed, int expired, boolean complete) {
    }

    /**
     * A trusted prefix of a user's ledger: the entries with a version up to {@code seq} sum to {@code sum}
     * (hundredths). Written only by a drift check that found the user whole.
     *
     * @param resummedAt when the prefix was last summed in full from the first entry (an incremental advance
     *                   keeps its base's time), which is what the periodic full re-sum is due on
     * @param updatedAt  when this checkpoint was written
     */
    record LedgerSum(long seq, long sum, Instant resummedAt, Instant updatedAt) {
        public static final LedgerSum NONE = new LedgerSum(0, 0, Instant.EPOCH, Instant.EPOCH);

        public LedgerSum {
            if (seq < 0) {
                throw new IllegalArgumentException("seq may not be negative");
            }
            java.util.Objects.requireNonNull(resummedAt, "resummedAt");
            java.util.Objects.requireNonNull(updatedAt, "updatedAt");
        }
    }

    /** A balance item found in the changed-balance index. */
    record ChangedBalance(UserId userId, Instant updatedAt) {
    }

    /** One item of a walk and the cursor that resumes right after it. */
    record Positioned<T>(T item, String cursor) {
    }

    /**
     * @param items    in walk order, each with its resume cursor
     * @param cursor   resumes after the last item (or after the last position looked at); null when complete
     * @param complete the walk reached the end of its range
     */
    record Page<T>(List<Positioned<T>> items, String cursor, boolean complete) {
        public Page {
            items = List.copyOf(items);
        }
    }
}
