package dev.prepaid.application.reconciliation;

import dev.prepaid.application.CheckoutConfirmation;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentMismatch;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 *
 * <p>Each step is one {@link ReconciliationCheck} ((a) {@link PendingOrdersCheck}, (b)
 * {@link CompletedOrdersCheck}, (c) {@link OrphanEntriesCheck}, (d) {@link BalanceDriftCheck} with
 * {@link LedgerChainCheck} and {@link DriftItemsCheck}, (e) {@link DlqDepthCheck}, (f) {@link SuccessRateCheck},
 * and {@link PaymentMismatchesCheck}), run in that order by the {@link ReconciliationRunner}, which keeps the
 * checkpoint and saves the report. This class wires them and answers the admin routes.
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
    private final OrderStore orders;
    private final ReconciliationStore store;
    private final Map<String, CheckoutConfirmation> confirmations;
    private final Settings settings;
    private final Clock clock;
    private final ReconciliationRunner runner;

    /**
     * @param providers every configured provider by name: an order is re-checked with its own provider
     */
    public ReconciliationService(OrderStore orders, LedgerStore ledger, ReconciliationStore store,
                                 Map<String, PaymentProvider> providers, FulfilmentService fulfilment,
                                 DeadLetterQueue dlq, Settings settings, Clock clock) {
        this.orders = Objects.requireNonNull(orders, "orders");
        Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(dlq, "dlq");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, CheckoutConfirmation> byProvider = new LinkedHashMap<>();
        providers.forEach((name, provider) ->
                byProvider.put(name, new CheckoutConfirmation(orders, provider, fulfilment, clock)));
        this.confirmations = Map.copyOf(byProvider);
        LedgerChainCheck users = new LedgerChainCheck(ledger, store, new OrphanEntriesCheck(orders),
                settings.fullResumAfter(), clock);
        this.runner = new ReconciliationRunner(store, List.of(
                new PendingOrdersCheck(orders, store, confirmations, settings, clock),
                new CompletedOrdersCheck(ledger, store, settings.maxCompletedOrders()),
                new BalanceDriftCheck(store, users, settings.maxUsers()),
                new DriftItemsCheck(store, users, clock),
                new HoldsCheck(ledger, settings.maxUsers()),
                new DlqDepthCheck(dlq),
                new SuccessRateCheck(store, settings.successRateWindow(), clock),
                new PaymentMismatchesCheck(store)), settings, clock);
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
        return runner.run(deadline);
    }

    /** The latest saved report, if a run has finished. */
    public Optional<ReconciliationReport> latestReport() {
        return store.latestReport();
    }

    /** The drift items still open (what the admin drift report lists), read now. */
    public List<ReconciliationReport.OpenDrift> openDrifts() {
        return store.openDrifts(DriftItemsCheck.MAX_OPEN_DRIFTS);
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
    public List<PaymentMismatch> paymentMismatches() {
        return store.paymentMismatches(PaymentMismatchesCheck.MAX_MISMATCHES);
    }
}
