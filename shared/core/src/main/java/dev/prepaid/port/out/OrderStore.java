package dev.prepaid.port.out;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderPage;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Orders, subscriptions and payment links. Money moves only through {@link LedgerStore#post}. */
public interface OrderStore {

    /** Writes a new pending order; returns false when an order with that id already exists. */
    boolean create(Order order);

    Optional<Order> find(OrderId orderId);

    Optional<Order> findByCheckout(String provider, String checkoutId);

    /**
     * One user's orders, newest first, optionally only those in {@code status}. The cursor is opaque to
     * callers and bound to the user and the filter it was issued for: any other is a
     * {@code ValidationException("invalid_cursor")}.
     */
    OrderPage ordersOf(UserId userId, Optional<OrderStatus> status, int limit, Optional<String> cursor);

    /** Records the provider checkout on a pending order. */
    void attachCheckout(OrderId orderId, String checkoutId, String paymentUrl, Instant at);

    /** Moves a pending order to {@code to}; returns false when it was not pending. */
    boolean close(OrderId orderId, OrderStatus to, Instant at);

    /** Marks an order completed when no credits move with it (a subscription checkout whose invoice grants). */
    void complete(OrderId orderId, String paymentRef, String subscriptionId, Instant at);

    /** Pending orders created before {@code cutoff}, oldest first (reconciliation). */
    List<Order> pendingBefore(Instant cutoff, int limit);

    Optional<Subscription> subscription(UserId userId);

    Optional<Subscription> subscriptionById(String provider, String subscriptionId);

    default void saveSubscription(Subscription subscription) {
        saveSubscription(subscription, List.of());
    }

    /**
     * Writes the record and, in the same transaction, the app events of the change (outbox items under
     * {@code attribute_not_exists}: one already written makes this a replay, nothing more written); they are
     * announced after the commit.
     */
    void saveSubscription(Subscription subscription, List<dev.prepaid.domain.events.AppEvent> events);

    /**
     * Writes a subscription state that a provider event dated {@link Subscription#eventAt()} reported, unless
     * the stored record already reflects a newer event (or one of the same time that ended the subscription),
     * or belongs to another subscription. Returns false when the event was stale and nothing was written.
     */
    default boolean saveSubscriptionIfNotStale(Subscription subscription) {
        return saveSubscriptionIfNotStale(subscription, List.of());
    }

    /** {@link #saveSubscriptionIfNotStale(Subscription)} with the change's app events in the same transaction. */
    boolean saveSubscriptionIfNotStale(Subscription subscription, List<dev.prepaid.domain.events.AppEvent> events);

    /**
     * Links one more provider reference to an already credited entry (idempotent). A subscription's first
     * period may be granted by the checkout (naming the invoice) or by the invoice (naming its payment
     * intent); whichever came second still leaves its reference findable by a later refund.
     */
    void linkPayment(PaymentLink link);

    /** What a provider payment paid for, when fulfilment has linked it. */
    Optional<PaymentLink> paymentLink(String provider, String paymentRef);

    /**
     * Saves a payment event fulfilment refused (kept about 90 days). Idempotent per event and provider object:
     * a redelivery keeps the first record.
     */
    void recordMismatch(dev.prepaid.domain.payment.PaymentMismatch mismatch);

    record PaymentLink(String provider, String paymentRef, String entryId, UserId userId, Money paid, Credits credits) {
    }
}
