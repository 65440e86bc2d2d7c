package dev.prepaid.application.reconciliation;

import dev.prepaid.application.CheckoutConfirmation;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * (a) Re-asks the provider about pending orders older than {@code pendingAfter} and fulfils the paid ones
 * through the same operation as the webhook ({@link CheckoutConfirmation}). A pending order whose checkout is
 * still open is awaiting its buyer; one past its lifetime (and grace), unknown to its provider, of a provider
 * not configured here, or that could not be checked is stuck.
 */
final class PendingOrdersCheck implements ReconciliationCheck {

    private enum Outcome { HEALED, EXPIRED, FAILED, STUCK, AWAITING, GONE }

    private final OrderStore orders;
    private final ReconciliationStore store;
    private final Map<String, CheckoutConfirmation> confirmations;
    private final Duration pendingAfter;
    private final int maxPendingOrders;
    private final CheckoutLifetime checkoutLifetime;
    private final Clock clock;

    PendingOrdersCheck(OrderStore orders, ReconciliationStore store, Map<String, CheckoutConfirmation> confirmations,
                       ReconciliationService.Settings settings, Clock clock) {
        this.orders = Objects.requireNonNull(orders, "orders");
        this.store = Objects.requireNonNull(store, "store");
        this.confirmations = Map.copyOf(confirmations);
        this.pendingAfter = settings.pendingAfter();
        this.maxPendingOrders = settings.maxPendingOrders();
        this.checkoutLifetime = settings.checkoutLifetime();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "pending";
    }

    @Override
    public Phase phase() {
        return Phase.WALK;
    }

    @Override
    public void run(ReconciliationRun run) {
        Instant cutoff = run.startedAt.minus(pendingAfter);
        ReconciliationStore.Page<Order> page = store.pendingOrders(cutoff, run.checkpoint.pendingCursor(),
                maxPendingOrders);
        int checked = 0;
        int healed = 0;
        int expired = 0;
        int failed = 0;
        int awaiting = 0;
        List<String> healedIds = new ArrayList<>();
        List<String> stuckIds = new ArrayList<>();
        String cursor = page.cursor();
        boolean complete = page.complete();
        String previous = run.checkpoint.pendingCursor();
        for (ReconciliationStore.Positioned<Order> positioned : page.items()) {
            if (run.outOfTime()) {
                cursor = previous;
                complete = false;
                break;
            }
            previous = positioned.cursor();
            checked++;
            String id = positioned.item().orderId().value();
            switch (check(run, positioned.item())) {
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
        run.pending = new ReconciliationReport.Pending(checked, healed, expired, failed, stuckIds.size(), awaiting,
                healedIds, stuckIds, complete);
        run.checkpoint = run.checkpoint.withPendingCursor(complete ? null : cursor);
    }

    private Outcome check(ReconciliationRun run, Order listed) {
        String id = listed.orderId().value();
        try {
            // The index is eventually consistent: decide on the order as it is now.
            Order order = orders.find(listed.orderId()).orElse(null);
            if (order == null || order.status() != OrderStatus.PENDING) {
                return Outcome.GONE;
            }
            CheckoutConfirmation confirmation = confirmations.get(order.provider());
            if (confirmation == null) {
                run.error("pending", id, "provider_not_configured",
                        "provider " + order.provider() + " is not configured here");
                return Outcome.STUCK;
            }
            return switch (confirmation.confirm(order).result()) {
                case COMPLETED -> Outcome.HEALED;
                case EXPIRED -> Outcome.EXPIRED;
                case FAILED -> Outcome.FAILED;
                // still open: the buyer may pay until the checkout's lifetime (and a grace) has passed
                case PENDING -> checkoutLifetime.awaiting(order.createdAt(), clock.instant())
                        ? Outcome.AWAITING : Outcome.STUCK;
                case UNKNOWN_ORDER -> Outcome.STUCK;
            };
        } catch (RuntimeException e) {
            run.error("pending", id, e);
            return Outcome.STUCK;
        }
    }
}
