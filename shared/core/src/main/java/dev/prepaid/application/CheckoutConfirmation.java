package dev.prepaid.application;

import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import java.time.Clock;
import java.util.Optional;

/**
 * Asks the provider, server-side, what became of an order's checkout and fulfils it through the same
 * operation as the webhook: whichever of the two arrives first posts the credits, the other replays.
 * Used by the browser callback and by reconciliation. The redirect's own query string is never trusted.
 */
public final class CheckoutConfirmation {

    public enum Result { COMPLETED, PENDING, FAILED, EXPIRED, UNKNOWN_ORDER }

    public record Confirmed(Result result, Order order) {
    }

    private final OrderStore orders;
    private final PaymentProvider provider;
    private final FulfilmentService fulfilment;
    private final Clock clock;

    public CheckoutConfirmation(OrderStore orders, PaymentProvider provider, FulfilmentService fulfilment, Clock clock) {
        this.orders = orders;
        this.provider = provider;
        this.fulfilment = fulfilment;
        this.clock = clock;
    }

    /** Finds the order by our id or by the provider's checkout id. */
    public Confirmed confirm(String orderId, String checkoutId) {
        Optional<Order> found = Optional.empty();
        if (orderId != null && OrderId.isValid(orderId)) {
            found = orders.find(new OrderId(orderId));
        }
        if (found.isEmpty() && checkoutId != null && !checkoutId.isBlank() && checkoutId.length() <= 255) {
            found = orders.findByCheckout(provider.name(), checkoutId);
        }
        if (found.isEmpty()) {
            return new Confirmed(Result.UNKNOWN_ORDER, null);
        }
        return confirm(found.get());
    }

    public Confirmed confirm(Order order) {
        if (order.status() == OrderStatus.COMPLETED) {
            return new Confirmed(Result.COMPLETED, order);
        }
        if (order.checkoutId() == null || !order.provider().equals(provider.name())) {
            return new Confirmed(order.status() == OrderStatus.PENDING ? Result.PENDING : map(order.status()), order);
        }
        CheckoutState state = provider.fetchCheckout(order.checkoutId());
        switch (state.status()) {
            case PAID -> {
                FulfilmentService.Outcome outcome = fulfilment.handle(state.paid());
                Order now = orders.find(order.orderId()).orElse(order);
                if (outcome.kind() == FulfilmentService.Outcome.Kind.REJECTED) {
                    // paid, but not what the order costs: nothing granted, the order stays as it was
                    return new Confirmed(map(now.status()), now);
                }
                return new Confirmed(Result.COMPLETED, now);
            }
            case EXPIRED -> {
                orders.close(order.orderId(), OrderStatus.EXPIRED, clock.instant());
                return new Confirmed(Result.EXPIRED, order);
            }
            case FAILED -> {
                orders.close(order.orderId(), OrderStatus.FAILED, clock.instant());
                return new Confirmed(Result.FAILED, order);
            }
            default -> {
                return new Confirmed(Result.PENDING, order);
            }
        }
    }

    private static Result map(OrderStatus status) {
        return switch (status) {
            case COMPLETED -> Result.COMPLETED;
            case FAILED -> Result.FAILED;
            case EXPIRED -> Result.EXPIRED;
            case PENDING -> Result.PENDING;
        };
    }
}
