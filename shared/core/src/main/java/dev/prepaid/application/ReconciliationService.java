package dev.prepaid.application;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.DeadLetterQueue;
import dev.prepaid.port.out.LedgerStore;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.ReconciliationCheckpoint;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks, on a schedule, that nothing paid is lost and nothing is granted twice or out of thin air. One run:
 * <ol type="a">
 *   <li>re-asks the provider about pending orders older than {@link Settings#pendingAfter()} and fulfils
 *       the paid ones through the same operation as the webhook ({@link CheckoutConfirmation});</li>
 *   <li>checks that every order completed since the last run has its ledger entry;</li>
 *   <li>checks that every purchase entry of the users looked at in (d) names a completed order of theirs, and
 *       every subscription grant its completed order (first period) or the user's subscription (renewal);</li>
 *   <li>compares the balance of every user whose balance changed since the last run with the sum of the
 *       user's ledger, and the balance version with the highest entry seq, incrementally from a per-user
 *       ledger-sum checkpoint (a full sum for open drift items and after {@link Settings#fullResumAfter()});</li>
 *   <li>reads the fulfilment DLQ's depth;</li>
 *   <li>computes the payment success rate over the orders closed in {@link Settings#successRateWindow()}
 *       before the run, whoever closed them (webhook, callback or this job).</li>
 * </ol>
 * Every step is bounded (items per run, plus an optional deadline) and resumable: where a walk stopped is
 * saved in the {@link ReconciliationCheckpoint} after each step, so a run that runs out of time loses at
 * most the step it was in. A failure checking one order or user is recorded in the report by its id and
 * never aborts the run. Balance changes younger than {@link Settings#settleLag()} wait for the next run,
 * so that index propagation and writers' clocks cannot make a change slip behind the walk.
 */
public final class ReconciliationService {

    /**
     * @param maxUsers             balances checked per run (d, and c for their entries)
     * @param pendingAfter         a pending order older than this is re-checked with its provider (a)
     * @param maxPendingOrders     pending orders re-checked per run (each is a provider call)
     * @param maxCompletedOrders   completed orders checked per run (b)
     * @param settleLag            changes younger than this are left to the next run
     * @param initialLookback      how far back the very first run starts
     * @param successRateWindow    the payment success rate counts the orders closed in this window before the
     *                             run (f)
     * @param checkoutLifetime     how long a checkout stays open: a pending order whose checkout is still open
     *                             is awaiting its buyer (not stuck) until {@link CheckoutLifetime#stuckAfter}
     * @param fullResumAfter       the drift check sums only a user's entries since their ledger-sum checkpoint,
     *                             and the whole ledger again when the checkpoint's last full sum is older than
     *                             this (so an old entry deleted or altered is still caught, this late at most)
     */
    public record Settings(int maxUsers, Duration pendingAfter, int maxPendingOrders, int maxCompletedOrders,
                           Duration settleLag, Duration initialLookback, Duration successRateWindow,
                           CheckoutLifetime checkoutLifetime, Duration fullResumAfter) {
        public static final int DEFAULT_MAX_USERS = 500;
        public static final Duration DEFAULT_PENDING_AFTER = Duration.ofMinutes(10);
        /** The PaymentSuccessRate alarm's period. */
        public static final Duration DEFAULT_SUCCESS_RATE_WINDOW = Duration.ofHours(1);
        /** A user's ledger is summed in full again when its checkpoint's last full sum is this old. */
        public static final Duration DEFAULT_FULL_RESUM_AFTER = Duration.ofDays(7);

        public Settings {
            if (maxUsers < 1 || maxPendingOrders < 1 || maxCompletedOrders < 1) {
                throw new IllegalArgumentException("per-run limits must be at least 1");
            }
            Objects.requireNonNull(pendingAfter, "pendingAfter");
            Objects.requireNonNull(settleLag, "settleLag");
            Objects.requireNonNull(initialLookback, "initialLookback");
            Objects.requireNonNull(successRateWindow, "successRateWindow");
            Objects.requireNonNull(checkoutLifetime, "checkoutLifetime");
            Objects.requireNonNull(fullResumAfter, "fullResumAfter");
            if (pendingAfter.isNegative() || settleLag.isNegative() || initialLookback.isNegative()
                    || successRateWindow.isNegative() || fullResumAfter.isNegative()) {
                throw new IllegalArgumentException("durations may not be negative");
            }
        }

        public Settings(int maxUsers, Duration pendingAfter, int maxPendingOrders, int maxCompletedOrders,
                        Duration settleLag, Duration initialLookback) {
            this(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    DEFAULT_SUCCESS_RATE_WINDOW, CheckoutLifetime.DEFAULT, DEFAULT_FULL_RESUM_AFTER);
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_MAX_USERS, DEFAULT_PENDING_AFTER, 50, 500, Duration.ofSeconds(60),
                    Duration.ofHours(24), DEFAULT_SUCCESS_RATE_WINDOW, CheckoutLifetime.DEFAULT, DEFAULT_FULL_RESUM_AFTER);
        }

        public Settings withMaxUsers(int value) {
            return new Settings(value, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withPendingAfter(Duration value) {
            return new Settings(maxUsers, value, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withMaxPendingOrders(int value) {
            return new Settings(maxUsers, pendingAfter, value, maxCompletedOrders, settleLag, initialLookback,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withMaxCompletedOrders(int value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, value, settleLag, initialLookback,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withSettleLag(Duration value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, value, initialLookback,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withInitialLookback(Duration value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, value,
                    successRateWindow, checkoutLifetime, fullResumAfter);
        }

        public Settings withSuccessRateWindow(Duration value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    value, checkoutLifetime, fullResumAfter);
        }

        public Settings withCheckoutLifetime(CheckoutLifetime value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    successRateWindow, value, fullResumAfter);
        }
    
        /**
         * How old a user's last full ledger sum may get before the drift check sums the whole ledger again
         * instead of only the entries since its checkpoint (zero: every check is a full sum).
         */
        public Settings withFullResumAfter(Duration value) {
            return new Settings(maxUsers, pendingAfter, maxPendingOrders, maxCompletedOrders, settleLag, initialLookback,
                    successRateWindow, checkoutLifetime, value);
        }
    }

    /**
     * One order re-verified on request (the admin route).
     *
     * @param checkoutExpiresAt when the order's checkout expires (its creation plus the checkout lifetime)
     * @param stuck             still pending after the check, and either past its lifetime and grace or not
     *                          checkable at its provider (what reconciliation counts in StuckOrders)
     */
    public record OrderCheck(String orderId, OrderStatus previousStatus, CheckoutConfirmation.Result result,
                             OrderStatus status, Instant checkoutExpiresAt, boolean stuck) {
    }

    /** The order's provider is not configured in this environment, so nobody can ask it. */
    public static final class ProviderNotConfiguredException extends DomainException {
        public ProviderNotConfiguredException(String provider) {
            super("provider_not_configured", "the order's provider " + provider + " is not configured here");
        }
    }

    /** Another run saved the checkpoint first: this one stops without moving it. */
    private static final class CheckpointConflict extends RuntimeException {
        CheckpointConflict() {
            super("another reconciliation run moved the checkpoint", null, false, false);
        }
    }

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int HISTORY_PAGE = 1000;
    private static final int MAX_GRANTS_PER_USER = 100_000;
    private static final int BALANCE_ATTEMPTS = 3;
    /** Open drift items rechecked per run (each is a read of the user's ledger). */
    static final int MAX_OPEN_DRIFTS = 1000;
    static final int MAX_MISMATCHES = 100;

    private final OrderStore orders;
    private final LedgerStore ledger;
    private final ReconciliationStore store;
    private final Map<String, CheckoutConfirmation> confirmations;
    private final DeadLetterQueue dlq;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param providers every configured provider by name: an order is re-checked with its own provider
     */
    public ReconciliationService(OrderStore orders, LedgerStore ledger, ReconciliationStore store,
                                 Map<String, PaymentProvider> providers, FulfilmentService fulfilment,
                                 DeadLetterQueue dlq, Settings settings, Clock clock) {
        this.orders = Objects.requireNonNull(orders, "orders");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.dlq = Objects.requireNonNull(dlq, "dlq");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, CheckoutConfirmation> byProvider = new LinkedHashMap<>();
        providers.forEach((name, provider) ->
                byProvider.put(name, new CheckoutConfirmation(orders, provider, fulfilment, clock)));
        this.confirmations = Map.copyOf(byProvider);
    }

    public Settings settings() {
        return settings;
    }

    /** A run without a deadline: bounded by the per-run limits only. */
    public ReconciliationReport run() {
        return run(null);
    }

    /**
     * One run. {@code deadline} (or null) stops the walks early, their cursors saved where they stopped;
     * the DLQ depth and the report are still produced.
     */
    public ReconciliationReport run(Instant deadline) {
        return new Run(deadline).execute();
    }

    /** The latest saved report, if a run has finished. */
    public Optional<ReconciliationReport> latestReport() {
        return store.latestReport();
    }

    /** The drift items still open (what the admin drift report lists), read now. */
    public List<ReconciliationReport.OpenDrift> openDrifts() {
        return store.openDrifts(MAX_OPEN_DRIFTS);
    }

    /**
     * Re-verifies one order with its provider and fulfils it if it was paid (the same operation as the
     * webhook, so it posts at most once). Unknown or malformed ids are {@code order_not_found}.
     */
    public OrderCheck reconcileOrder(String orderId) {
        if (!OrderId.isValid(orderId)) {
            throw new NotFoundException("order_not_found", "no such order");
        }
        Order order = orders.find(new OrderId(orderId))
                .orElseThrow(() -> new NotFoundException("order_not_found", "no such order"));
        CheckoutConfirmation confirmation = confirmations.get(order.provider());
        if (confirmation == null) {
            throw new ProviderNotConfiguredException(order.provider());
        }
        CheckoutConfirmation.Confirmed confirmed = confirmation.confirm(order);
        OrderStatus now = orders.find(order.orderId()).map(Order::status).orElse(order.status());
        boolean stuck = now == OrderStatus.PENDING && (confirmed.result() != CheckoutConfirmation.Result.PENDING
                || !settings.checkoutLifetime().awaiting(order.createdAt(), clock.instant()));
        return new OrderCheck(order.orderId().value(), order.status(), confirmed.result(), now,
                settings.checkoutLifetime().expiresAt(order.createdAt()), stuck);
    }

    /** The payment events fulfilment refused in the last ~90 days, newest first (the admin drift route). */
    public List<dev.prepaid.domain.payment.PaymentMismatch> paymentMismatches() {
        return store.paymentMismatches(MAX_MISMATCHES);
    }

    /** The state of one run. */
    private final class Run {
        private final Instant deadline;
        private final Instant startedAt = clock.instant();
        private final Instant horizon;
        private final List<ReconciliationReport.RunError> errors = new ArrayList<>();
        private ReconciliationCheckpoint checkpoint;
        private boolean stopped;

        private ReconciliationReport.Pending pending =
                new ReconciliationReport.Pending(0, 0, 0, 0, 0, 0, List.of(), List.of(), false);
        private ReconciliationReport.Completed completed;
        private ReconciliationReport.Drift drift;
        private final List<ReconciliationReport.OrphanEntry> orphans = new ArrayList<>();
        /** Users checked in this run: drifted, or found whole (balance = sum of the ledger, version = last seq). */
        private final Map<UserId, ReconciliationReport.UserDrift> found = new LinkedHashMap<>();
        private final Set<UserId> whole = new HashSet<>();
        private List<ReconciliationReport.OpenDrift> openDrifts;
        private int completedSeen;

        Run(Instant deadline) {
            this.deadline = deadline;
            this.horizon = startedAt.minus(settings.settleLag());
        }

        ReconciliationReport execute() {
            try {
                checkpoint = store.checkpoint()
                        .orElseGet(() -> ReconciliationCheckpoint.initial(startedAt.minus(settings.initialLookback())));
            } catch (RuntimeException e) {
                error("checkpoint", null, e);
                stopped = true;
                checkpoint = ReconciliationCheckpoint.initial(startedAt);
            }
            completed = new ReconciliationReport.Completed(checkpoint.ordersCheckedUntil(), checkpoint.ordersCheckedUntil(),
                    false, 0, List.of());
            drift = new ReconciliationReport.Drift(checkpoint.balancesCheckedUntil(), checkpoint.balancesCheckedUntil(),
                    false, 0, List.of());
            step("pending", this::pendingOrders);
            step("completed", this::completedOrders);
            step("drift", this::balances);
            if (!stopped) {
                driftItems();
            }
            step("holds", this::holds);
            int depth = -1;
            try {
                depth = dlq.depth();
            } catch (RuntimeException e) {
                error("dlq", null, e);
            }
            ReconciliationReport.SuccessRate rate = successRate();
            ReconciliationReport report = report(depth, rate);
            try {
                store.saveReport(report);
            } catch (RuntimeException e) {
                error("report", null, e);
                report = report(depth, rate);
            }
            return report;
        }

        /**
         * Paid / (paid + expired + failed) over the orders closed in the window before the run, whoever closed
         * them: the webhook and the browser callback close most orders, not this run.
         */
        private ReconciliationReport.SuccessRate successRate() {
            try {
                Instant end = clock.instant(); // including what this run closed
                ReconciliationStore.OrderOutcomes outcomes = store.orderOutcomes(
                        end.minus(settings.successRateWindow()), end);
                if (!outcomes.complete()) {
                    errors.add(new ReconciliationReport.RunError("success_rate", null, "partial_count",
                            "the success rate counted part of its window"));
                }
                return ReconciliationReport.SuccessRate.of(outcomes.completed(), outcomes.failed(), outcomes.expired());
            } catch (RuntimeException e) {
                error("success_rate", null, e);
                return ReconciliationReport.SuccessRate.of(completedSeen, pending.failed(), pending.expired());
            }
        }

        private ReconciliationReport report(int depth, ReconciliationReport.SuccessRate rate) {
            List<ReconciliationReport.OpenDrift> open = openDrifts != null ? openDrifts
                    : found.values().stream().map(d -> ReconciliationReport.OpenDrift.of(d, startedAt, startedAt)).toList();
            List<dev.prepaid.domain.payment.PaymentMismatch> mismatches = List.of();
            try {
                mismatches = store.paymentMismatches(MAX_MISMATCHES);
            } catch (RuntimeException e) {
                error("mismatches", null, e);
            }
            return new ReconciliationReport(startedAt, clock.instant(), pending, completed, orphans, drift, depth, rate,
                    errors, open, mismatches, holds);
        }

        /** Runs one step and saves the checkpoint it advanced; a failed step leaves its part of the checkpoint. */
        private void step(String name, Runnable work) {
            if (stopped) {
                return;
            }
            ReconciliationCheckpoint before = checkpoint;
            try {
                work.run();
                ReconciliationCheckpoint next = checkpoint.next(clock.instant());
                if (!store.saveCheckpoint(next)) {
                    throw new CheckpointConflict();
                }
                checkpoint = next;
            } catch (CheckpointConflict e) {
                errors.add(new ReconciliationReport.RunError("checkpoint", null, "checkpoint_conflict", e.getMessage()));
                stopped = true;
            } catch (RuntimeException e) {
                error(name, null, e);
                checkpoint = before;
            }
        }

        private boolean outOfTime() {
            return deadline != null && !clock.instant().isBefore(deadline);
        }

        // --- a. pending orders ---------------------------------------------------------------------------

        private void pendingOrders() {
            Instant cutoff = startedAt.minus(settings.pendingAfter());
            ReconciliationStore.Page<Order> page = store.pendingOrders(cutoff, checkpoint.pendingCursor(),
                    settings.maxPendingOrders());
            int checked = 0;
            int healed = 0;
            int expired = 0;
            int failed = 0;
            int awaiting = 0;
            List<String> healedIds = new ArrayList<>();
            List<String> stuckIds = new ArrayList<>();
            String cursor = page.cursor();
            boolean complete = page.complete();
            String previous = checkpoint.pendingCursor();
            for (ReconciliationStore.Positioned<Order> positioned : page.items()) {
                if (outOfTime()) {
                    cursor = previous;
                    complete = false;
                    break;
                }
                previous = positioned.cursor();
                checked++;
                String id = positioned.item().orderId().value();
                switch (checkPending(positioned.item())) {
                    case HEALED -> {
                        healed++;
                        healedIds.add(id);
                    }
                    case EXPIRED -> expired++;
                    case FAILED -> failed++;
                    case STUCK -> stuckIds.add(id);
                    case AWAITING -> awaiting++;
                    case GONE -> {
                        // completed or closed by a webhook since the index was read: nothing to do
                    }
                }
            }
            pending = new ReconciliationReport.Pending(checked, healed, expired, failed, stuckIds.size(), awaiting,
                    healedIds, stuckIds, complete);
            checkpoint = checkpoint.withPendingCursor(complete ? null : cursor);
        }

        private PendingOutcome checkPending(Order listed) {
            String id = listed.orderId().value();
            try {
                // The index is eventually consistent: decide on the order as it is now.
                Order order = orders.find(listed.orderId()).orElse(null);
                if (order == null || order.status() != OrderStatus.PENDING) {
                    return PendingOutcome.GONE;
                }
                CheckoutConfirmation confirmation = confirmations.get(order.provider());
                if (confirmation == null) {
                    errors.add(new ReconciliationReport.RunError("pending", id, "provider_not_configured",
                            "provider " + order.provider() + " is not configured here"));
                    return PendingOutcome.STUCK;
                }
                return switch (confirmation.confirm(order).result()) {
                    case COMPLETED -> PendingOutcome.HEALED;
                    case EXPIRED -> PendingOutcome.EXPIRED;
                    case FAILED -> PendingOutcome.FAILED;
                    // still open: the buyer may pay until the checkout's lifetime (and a grace) has passed
                    case PENDING -> settings.checkoutLifetime().awaiting(order.createdAt(), clock.instant())
                            ? PendingOutcome.AWAITING : PendingOutcome.STUCK;
                    case UNKNOWN_ORDER -> PendingOutcome.STUCK;
                };
            } catch (RuntimeException e) {
                error("pending", id, e);
                return PendingOutcome.STUCK;
            }
        }

        // --- b. completed orders without their entry ----------------------------------------------------

        private void completedOrders() {
            Instant from = checkpoint.ordersCheckedUntil();
            boolean resuming = checkpoint.ordersPassUntil() != null;
            Instant until = resuming ? checkpoint.ordersPassUntil() : later(horizon, from);
            String cursor = resuming ? checkpoint.ordersCursor() : null;
            ReconciliationStore.Page<Order> page = store.completedOrders(from, until, cursor,
                    settings.maxCompletedOrders());
            List<ReconciliationReport.MissingEntry> missing = new ArrayList<>();
            Map<UserId, List<LedgerEntry>> grants = new HashMap<>();
            int checked = 0;
            String next = page.cursor();
            boolean complete = page.complete();
            for (ReconciliationStore.Positioned<Order> positioned : page.items()) {
                if (outOfTime()) {
                    next = cursor;
                    complete = false;
                    break;
                }
                cursor = positioned.cursor();
                checked++;
                completedSeen++;
                Order order = positioned.item();
                try {
                    missingEntry(order, grants).ifPresent(missing::add);
                } catch (RuntimeException e) {
                    error("completed", order.orderId().value(), e);
                }
            }
            completed = new ReconciliationReport.Completed(from, until, complete, checked, missing);
            checkpoint = complete ? checkpoint.withOrders(until, null, null) : checkpoint.withOrders(from, until, next);
        }

        private Optional<ReconciliationReport.MissingEntry> missingEntry(Order order, Map<UserId, List<LedgerEntry>> grants) {
            String id = order.orderId().value();
            if (order.type() == ProductType.SUBSCRIPTION) {
                List<LedgerEntry> userGrants = grants.computeIfAbsent(order.userId(), user ->
                        ledger.entries(user, EntryType.SUBSCRIPTION_GRANT, EARLIEST, LATEST, MAX_GRANTS_PER_USER));
                boolean found = userGrants.stream().anyMatch(e -> id.equals(e.metadata().get("orderId")));
                return found ? Optional.empty() : Optional.of(new ReconciliationReport.MissingEntry(id,
                        order.userId().value(), order.type().wireName(), "subscription_grant with orderId " + id));
            }
            String entryId = EntryIds.purchase(id);
            boolean found = ledger.entry(entryId).map(e -> e.userId().equals(order.userId())).orElse(false);
            return found ? Optional.empty() : Optional.of(new ReconciliationReport.MissingEntry(id,
                    order.userId().value(), order.type().wireName(), entryId));
        }

        // --- e. holds: expire the ones past their time, check held against the active holds --------------

        private ReconciliationReport.Holds holds = ReconciliationReport.Holds.NONE;

        /**
         * Expires every hold past its time (each exactly once: the hold's {@code status = active} condition, shared
         * with capture, release and the lazy expiry of the user's next write), then, for the users this run checked
         * and the users of the expired holds, compares the balance's {@code held} with the sum of the user's active
         * holds. The list of active holds is an index (GSI2) that follows a transition by a moment, so a mismatch is
         * read twice before it is reported.
         */
        private void holds() {
            Set<UserId> users = new java.util.LinkedHashSet<>(found.keySet());
            users.addAll(whole);
            int expired = 0;
            List<dev.prepaid.domain.Hold> dueHolds;
            try {
                dueHolds = ledger.dueHolds(startedAt, settings.maxUsers());
            } catch (UnsupportedOperationException noHolds) {
                return; // a store that keeps no holds (the in-memory test stores)
            }
            for (dev.prepaid.domain.Hold due : dueHolds) {
                if (outOfTime()) {
                    break;
                }
                try {
                    ledger.endHold(due, dev.prepaid.domain.HoldStatus.EXPIRED, startedAt);
                    expired++;
                } catch (dev.prepaid.domain.HoldMovedException alreadyMoved) {
                    // captured, released or expired meanwhile: exactly one of them counted
                }
                users.add(due.userId());
            }
            List<ReconciliationReport.HeldDrift> drifts = new ArrayList<>();
            int checked = 0;
            for (UserId user : users) {
                if (outOfTime() || checked >= settings.maxUsers()) {
                    break;
                }
                checked++;
                ReconciliationReport.HeldDrift d = heldDrift(user);
                if (d != null) {
                    d = heldDrift(user); // the index may have lagged a transition: look again
                }
                if (d != null) {
                    drifts.add(d);
                }
            }
            holds = new ReconciliationReport.Holds(expired, checked, drifts);
        }

        private ReconciliationReport.HeldDrift heldDrift(UserId user) {
            long held = ledger.balance(user).map(b -> b.held().hundredths()).orElse(0L);
            List<dev.prepaid.domain.Hold> active = ledger.activeHolds(user, 10_000);
            long sum = active.stream().mapToLong(h -> h.amount().hundredths()).sum();
            return held == sum ? null : new ReconciliationReport.HeldDrift(user.value(), held, sum, active.size());
        }

        // --- d. balance drift (and c. orphan purchase entries of the same users) ------------------------

        private void balances() {
            Instant from = checkpoint.balancesCheckedUntil();
            boolean resuming = checkpoint.balancesPassUntil() != null;
            Instant until = resuming ? checkpoint.balancesPassUntil() : later(horizon, from);
            String cursor = resuming ? checkpoint.balancesCursor() : null;
            ReconciliationStore.Page<ReconciliationStore.ChangedBalance> page =
                    store.changedBalances(from, until, cursor, settings.maxUsers());
            List<ReconciliationReport.UserDrift> drifts = new ArrayList<>();
            Set<UserId> seen = new HashSet<>();
            // A user with an open drift item is summed in full: their checkpoint may predate the damage.
            Set<String> openDriftUsers = null; // unknown: every check is a full sum
            if (!page.items().isEmpty()) {
                try {
                    List<ReconciliationReport.OpenDrift> items = store.openDrifts(MAX_OPEN_DRIFTS);
                    if (items.size() < MAX_OPEN_DRIFTS) { // all of them
                        openDriftUsers = new HashSet<>();
                        for (ReconciliationReport.OpenDrift item : items) {
                            openDriftUsers.add(item.userId());
                        }
                    }
                } catch (RuntimeException e) {
                    error("drift_items", null, e);
                    openDriftUsers = null;
                }
            }
            String next = page.cursor();
            boolean complete = page.complete();
            for (ReconciliationStore.Positioned<ReconciliationStore.ChangedBalance> positioned : page.items()) {
                if (outOfTime()) {
                    next = cursor;
                    complete = false;
                    break;
                }
                cursor = positioned.cursor();
                UserId user = positioned.item().userId();
                if (!seen.add(user)) {
                    continue;
                }
                try {
                    checkUser(user, openDriftUsers == null || openDriftUsers.contains(user.value())).ifPresent(d -> {
                        drifts.add(d);
                        found.put(user, d);
                    });
                } catch (RuntimeException e) {
                    error("drift", user.value(), e);
                }
            }
            drift = new ReconciliationReport.Drift(from, until, complete, seen.size(), drifts);
            checkpoint = complete ? checkpoint.withBalances(until, null, null) : checkpoint.withBalances(from, until, next);
        }

        /**
         * Drift is state, not an event: the drifts found in this run open (or refresh) their item; every item
         * still open is checked again, whether or not the user's balance moved since, and closed once the
         * balance agrees with its ledger again. What stays open is the {@code CreditDrift} metric, so its alarm
         * stays red until someone fixes the data.
         */
        private void driftItems() {
            Instant now = clock.instant();
            Map<String, ReconciliationReport.OpenDrift> open = new java.util.TreeMap<>();
            for (ReconciliationReport.UserDrift d : found.values()) {
                try {
                    open.put(d.userId(), store.saveDrift(d, now));
                } catch (RuntimeException e) {
                    error("drift_items", d.userId(), e);
                    open.put(d.userId(), ReconciliationReport.OpenDrift.of(d, now, now));
                }
            }
            List<ReconciliationReport.OpenDrift> stored;
            try {
                stored = store.openDrifts(MAX_OPEN_DRIFTS);
            } catch (RuntimeException e) {
                error("drift_items", null, e);
                openDrifts = List.copyOf(open.values());
                return;
            }
            for (ReconciliationReport.OpenDrift item : stored) {
                if (open.containsKey(item.userId())) {
                    continue;
                }
                try {
                    UserId user = new UserId(item.userId());
                    if (!whole.contains(user) && !outOfTime()) {
                        checkUser(user, true).ifPresent(d -> open.put(d.userId(), store.saveDrift(d, now)));
                    }
                    if (whole.contains(user)) {
                        store.resolveDrift(item.userId());
                    } else {
                        open.putIfAbsent(item.userId(), item); // not checkable now: still open
                    }
                } catch (RuntimeException e) {
                    error("drift_items", item.userId(), e);
                    open.putIfAbsent(item.userId(), item);
                }
            }
            openDrifts = List.copyOf(open.values());
        }

        /**
         * Balance vs ledger for one user, incrementally: from the user's ledger-sum checkpoint (the entries up
         * to its {@code seq} sum to its {@code sum}), only the entries posted since are read and added, and
         * their versions must run on without a gap from the checkpoint to the balance's version. A full sum
         * from the first entry is made instead when {@code full} (the user has an open drift item), when there
         * is no checkpoint, or when the checkpoint's last full sum is older than
         * {@link Settings#fullResumAfter()}; and a mismatch found incrementally is confirmed by a full sum
         * before it is reported, so a drift is always measured from the whole ledger. The checkpoint advances
         * only when the user is found whole (and their new purchases all have their orders), and only over
         * entries older than the settle lag; the store keeps it from moving backwards.
         */
        private Optional<ReconciliationReport.UserDrift> checkUser(UserId user, boolean full) {
            ReconciliationStore.LedgerSum base = ReconciliationStore.LedgerSum.NONE;
            if (!full) {
                Optional<ReconciliationStore.LedgerSum> saved = store.ledgerSum(user);
                if (saved.isPresent()
                        && saved.get().resummedAt().isAfter(startedAt.minus(settings.fullResumAfter()))) {
                    base = saved.get();
                }
            }
            Measured measured = measure(user, base);
            if (measured != null && measured.drift() != null && base.seq() > 0) {
                base = ReconciliationStore.LedgerSum.NONE;
                measured = measure(user, base);
            }
            if (measured == null) {
                return Optional.empty(); // the balance kept changing: reported as balance_busy
            }
            boolean clean = orphans(user, measured.purchases());
            if (measured.drift() != null) {
                return Optional.of(measured.drift());
            }
            whole.add(user);
            boolean fromFirst = base.seq() == 0;
            if (clean && (measured.settledSeq() > base.seq() || (fromFirst && measured.settledSeq() > 0))) {
                try {
                    store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(measured.settledSeq(),
                            measured.settledSum(), fromFirst ? startedAt : base.resummedAt(), clock.instant()));
                } catch (RuntimeException e) {
                    error("drift_checkpoint", user.value(), e);
                }
            }
            return Optional.empty();
        }

        /**
         * The balance against {@code base} plus the entries after it. A posting between reading the balance and
         * reading the entries shows as a mismatch with a moved version: read again rather than report it.
         * Null when the balance kept moving.
         */
        private Measured measure(UserId user, ReconciliationStore.LedgerSum base) {
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
                        settling &= chain && !entry.createdAt().isAfter(horizon);
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
                        errors.add(new ReconciliationReport.RunError("drift", user.value(), "balance_busy",
                                "the balance kept changing while it was checked"));
                        return null;
                    }
                    return new Measured(new ReconciliationReport.UserDrift(user.value(), balance, sum, balance - sum,
                            before.sequence(), maxSeq, count), purchases, settledSeq, settledSum);
                }
            }
        }

        /** Reports the purchase entries without their order; true when there was none (and no error). */
        private boolean orphans(UserId user, List<LedgerEntry> purchases) {
            boolean clean = true;
            for (LedgerEntry entry : purchases) {
                String orderId = entry.metadata().get("orderId");
                try {
                    String reason = entry.type() == EntryType.SUBSCRIPTION_GRANT
                            ? grantOrphanReason(user, entry, orderId) : orphanReason(user, orderId);
                    if (reason != null) {
                        clean = false;
                        orphans.add(new ReconciliationReport.OrphanEntry(entry.entryId(), user.value(), orderId, reason));
                    }
                } catch (RuntimeException e) {
                    clean = false;
                    error("orphans", entry.entryId(), e);
                }
            }
            return clean;
        }

        /**
         * A subscription grant pays out a provider invoice. The first period's grant names its order, which must
         * be this user's and completed; a renewal names none, and then the user's subscription record must
         * exist, at the grant's provider: a grant with neither has nothing that paid for it.
         */
        private String grantOrphanReason(UserId user, LedgerEntry entry, String orderId) {
            if (orderId != null && !orderId.isBlank()) {
                return orphanReason(user, orderId);
            }
            String provider = entry.metadata().get("provider");
            if (provider == null || provider.isBlank()) {
                return "no_invoice";
            }
            Optional<Subscription> subscription = orders.subscription(user);
            if (subscription.isEmpty()) {
                return "subscription_missing";
            }
            return provider.equals(subscription.get().provider()) ? null : "subscription_of_another_provider";
        }

        private String orphanReason(UserId user, String orderId) {
            if (orderId == null || orderId.isBlank()) {
                return "no_order_id";
            }
            if (!OrderId.isValid(orderId)) {
                return "order_missing";
            }
            Optional<Order> order = orders.find(new OrderId(orderId));
            if (order.isEmpty()) {
                return "order_missing";
            }
            if (!order.get().userId().equals(user)) {
                return "order_of_another_user";
            }
            return order.get().status() == OrderStatus.COMPLETED ? null : "order_not_completed";
        }

        private void error(String step, String subject, RuntimeException e) {
            String code = e instanceof DomainException domain ? domain.code() : "unexpected_error";
            String message = e instanceof DomainException ? e.getMessage() : e.getClass().getSimpleName();
            errors.add(new ReconciliationReport.RunError(step, subject, code, message));
        }
    }

    private enum PendingOutcome { HEALED, EXPIRED, FAILED, STUCK, AWAITING, GONE }

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

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
