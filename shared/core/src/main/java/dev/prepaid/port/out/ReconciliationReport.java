package dev.prepaid.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one reconciliation run found. Logged, turned into metrics, and saved (pk {@code RECON#REPORT},
 * sk {@code LATEST}) so the admin routes can show the latest drift. Amounts are hundredths of a credit.
 *
 * @param pending        step a: old pending orders re-checked with their provider
 * @param completed      step b: completed orders checked for their ledger entry
 * @param orphanEntries  step c: purchase and subscription-grant entries of the checked users whose order (or
 *                       subscription) is missing or not theirs
 * @param drift          step d: balances compared with the sum of their ledger
 * @param dlqDepth       step e: messages in the fulfilment DLQ, or -1 when it could not be read
 * @param successRate    step f: completed / (completed + failed + expired) over the orders closed in the
 *                       window before the run, whoever closed them
 * @param errors         what could not be checked (by order or user id); a failure never aborts the run
 * @param openDrifts     every drift item still open after the run (found now or earlier and not yet fixed):
 *                       the {@code CreditDrift} metric, so its alarm stays red until the balance is corrected
 * @param paymentMismatches the payment events fulfilment refused in the last ~90 days (newest first, at most 100):
 *                       paid for another order or checkout, too little, another currency, or a refund in another
 *                       currency than its payment; nothing was granted for them, a person decides
 */
public record ReconciliationReport(
        Instant startedAt,
        Instant finishedAt,
        Pending pending,
        Completed completed,
        List<OrphanEntry> orphanEntries,
        Drift drift,
        int dlqDepth,
        SuccessRate successRate,
        List<RunError> errors,
        List<OpenDrift> openDrifts,
        List<dev.prepaid.domain.payment.PaymentMismatch> paymentMismatches,
        Holds holds) {

    /** A report without the holds check. */
    public ReconciliationReport(Instant startedAt, Instant finishedAt, Pending pending, Completed completed,
                                List<OrphanEntry> orphanEntries, Drift drift, int dlqDepth, SuccessRate successRate,
                                List<RunError> errors, List<OpenDrift> openDrifts,
                                List<dev.prepaid.domain.payment.PaymentMismatch> paymentMismatches) {
        this(startedAt, finishedAt, pending, completed, orphanEntries, drift, dlqDepth, successRate, errors, openDrifts,
                paymentMismatches, Holds.NONE);
    }

    /**
     * The holds step: holds past their time this run expired (each exactly once: the hold's status condition), and
     * the users whose balance {@code held} is not the sum of their active holds.
     */
    public record Holds(int expired, int usersChecked, List<HeldDrift> drifts) {
        public static final Holds NONE = new Holds(0, 0, List.of());

        public Holds {
            drifts = List.copyOf(drifts);
        }
    }

    /** {@code held} on the balance item against the sum of the user's active holds (hundredths). */
    public record HeldDrift(String userId, long held, long activeHolds, int holds) {
    }

    public ReconciliationReport {
        holds = holds == null ? Holds.NONE : holds;
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(completed, "completed");
        Objects.requireNonNull(drift, "drift");
        Objects.requireNonNull(successRate, "successRate");
        orphanEntries = List.copyOf(orphanEntries);
        errors = List.copyOf(errors);
        openDrifts = List.copyOf(openDrifts);
        paymentMismatches = List.copyOf(paymentMismatches);
    }

    /** A report without payment mismatches. */
    public ReconciliationReport(Instant startedAt, Instant finishedAt, Pending pending, Completed completed,
                                List<OrphanEntry> orphanEntries, Drift drift, int dlqDepth, SuccessRate successRate,
                                List<RunError> errors, List<OpenDrift> openDrifts) {
        this(startedAt, finishedAt, pending, completed, orphanEntries, drift, dlqDepth, successRate, errors, openDrifts,
                List.of());
    }

    /** A report without open drift items beyond the drifts this run found (each first seen by this run). */
    public ReconciliationReport(Instant startedAt, Instant finishedAt, Pending pending, Completed completed,
                                List<OrphanEntry> orphanEntries, Drift drift, int dlqDepth, SuccessRate successRate,
                                List<RunError> errors) {
        this(startedAt, finishedAt, pending, completed, orphanEntries, drift, dlqDepth, successRate, errors,
                drift.drifts().stream().map(d -> OpenDrift.of(d, startedAt, startedAt)).toList());
    }

    /**
     * A drift that stays open until a run finds the user's balance equal to the sum of the ledger again (and
     * its version equal to the highest entry seq). Saved per user, rechecked by every run.
     *
     * @param firstSeen    the run that first found it
     * @param lastChecked  the latest run that found it still there
     */
    public record OpenDrift(String userId, long balance, long ledgerSum, long drift, long balanceSeq, long maxEntrySeq,
                            Instant firstSeen, Instant lastChecked) {
        public OpenDrift {
            Objects.requireNonNull(userId, "userId");
        }

        public static OpenDrift of(UserDrift d, Instant firstSeen, Instant lastChecked) {
            return new OpenDrift(d.userId(), d.balance(), d.ledgerSum(), d.drift(), d.balanceSeq(), d.maxEntrySeq(),
                    firstSeen, lastChecked);
        }

        public boolean seqMismatch() {
            return balanceSeq != maxEntrySeq;
        }
    }

    /**
     * @param checked       pending orders older than the cutoff looked at in this run
     * @param stuck         of those, still pending after the check past their checkout's lifetime and grace,
     *                      or not checkable (no such provider configured, provider failed, order unknown to it)
     * @param awaiting      of those, still open at their provider within their checkout's lifetime (plus grace):
     *                      the buyer may still pay, so they are not stuck
     * @param walkComplete  the walk reached the newest old-enough pending order (the next run starts over)
     */
    public record Pending(int checked, int healed, int expired, int failed, int stuck, int awaiting,
                          List<String> healedOrderIds, List<String> stuckOrderIds, boolean walkComplete) {
        public Pending {
            healedOrderIds = List.copyOf(healedOrderIds);
            stuckOrderIds = List.copyOf(stuckOrderIds);
        }
    }

    /**
     * @param from          the pass's window is {@code [from, until)} of completion times
     * @param passComplete  the window was walked to its end in this run
     */
    public record Completed(Instant from, Instant until, boolean passComplete, int checked,
                            List<MissingEntry> missingEntries) {
        public Completed {
            missingEntries = List.copyOf(missingEntries);
        }
    }

    /**
     * A completed order whose credits are not in the ledger.
     *
     * @param expected {@code purchase#<orderId>} for a pack, {@code subscription_grant with orderId=<id>} for a plan
     */
    public record MissingEntry(String orderId, String userId, String productType, String expected) {
    }

    /**
     * A purchase or subscription-grant entry with nothing that paid for it.
     *
     * @param reason {@code order_missing}, {@code order_not_completed}, {@code order_of_another_user},
     *               {@code no_order_id} (a purchase); for a subscription grant the same order reasons when it
     *               names its order, else {@code subscription_missing}, {@code subscription_of_another_provider},
     *               {@code no_invoice}
     */
    public record OrphanEntry(String entryId, String userId, String orderId, String reason) {
    }

    /**
     * @param from          the pass's window is {@code [from, until)} of balance change times
     * @param passComplete  the window was walked to its end in this run
     */
    public record Drift(Instant from, Instant until, boolean passComplete, int usersChecked, List<UserDrift> drifts) {
        public Drift {
            drifts = List.copyOf(drifts);
        }

        public int driftedUsers() {
            return drifts.size();
        }

        /** The sum of |drift| over the drifted users, in hundredths. */
        public long absoluteDriftHundredths() {
            return drifts.stream().mapToLong(d -> Math.abs(d.drift())).sum();
        }
    }

    /**
     * One balance that disagrees with its ledger.
     *
     * @param balance     the balance item's credits
     * @param ledgerSum   the sum of all the user's entries
     * @param drift       {@code balance - ledgerSum}
     * @param balanceSeq  the balance item's version
     * @param maxEntrySeq the highest entry seq (equal to balanceSeq when the chain is whole)
     * @param entries     how many entries the user has
     */
    public record UserDrift(String userId, long balance, long ledgerSum, long drift, long balanceSeq, long maxEntrySeq,
                            long entries) {
        public boolean seqMismatch() {
            return balanceSeq != maxEntrySeq;
        }
    }

    /**
     * @param rate   completed / (completed + failed + expired), 0..1
     * @param basis  {@code observed}, or {@code no_closed_orders} when none closed in the window (the rate is then 1.0)
     */
    public record SuccessRate(int completed, int failed, int expired, double rate, String basis) {
        public static final String OBSERVED = "observed";
        public static final String NO_CLOSED_ORDERS = "no_closed_orders";

        public static SuccessRate of(int completed, int failed, int expired) {
            int closed = completed + failed + expired;
            return closed == 0 ? new SuccessRate(0, 0, 0, 1.0, NO_CLOSED_ORDERS)
                    : new SuccessRate(completed, failed, expired, (double) completed / closed, OBSERVED);
        }
    }

    /**
     * @param step     pending, completed, orphans, drift, dlq, checkpoint
     * @param subject  the order or user id, or null
     */
    public record RunError(String step, String subject, String code, String message) {
    }
}
