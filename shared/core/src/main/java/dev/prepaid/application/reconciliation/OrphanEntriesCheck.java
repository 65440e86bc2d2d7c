package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.ReconciliationReport;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * (c) Every purchase entry of a user the balance walk looked at names a completed order of theirs; every
 * subscription grant its completed order (first period) or, for a renewal, the user's subscription at the
 * grant's provider. What has nothing that paid for it is reported as an orphan entry.
 */
final class OrphanEntriesCheck {
    private final OrderStore orders;

    OrphanEntriesCheck(OrderStore orders) {
        this.orders = Objects.requireNonNull(orders, "orders");
    }

    /** Reports the purchase entries without their order; true when there was none (and no error). */
    boolean check(ReconciliationRun run, UserId user, List<LedgerEntry> purchases) {
        boolean clean = true;
        for (LedgerEntry entry : purchases) {
            String orderId = entry.metadata().get("orderId");
            try {
                String reason = entry.type() == EntryType.SUBSCRIPTION_GRANT
                        ? grantOrphanReason(user, entry, orderId) : orphanReason(user, orderId);
                if (reason != null) {
                    clean = false;
                    run.orphans.add(new ReconciliationReport.OrphanEntry(entry.entryId(), user.value(), orderId, reason));
                }
            } catch (RuntimeException e) {
                clean = false;
                run.error("orphans", entry.entryId(), e);
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
}
