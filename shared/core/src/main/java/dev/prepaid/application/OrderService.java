package dev.prepaid.application;

import dev.prepaid.domain.ConflictException;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderPage;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.RateLimitedException;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.RateLimiter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Creates orders: the pending order first (so a paid checkout can always be traced), then the provider's
 * checkout (its idempotency key is the order id, so a retry never opens a second one), then the checkout
 * id on the order.
 */
public final class OrderService {
    public static final int ORDERS_PER_MINUTE = 10;

    private final OrderStore orders;
    private final PaymentProvider provider;
    private final ProductCatalog catalog;
    private final RateLimiter limiter;
    private final String callbackUrl;
    private final Clock clock;

    public OrderService(OrderStore orders, PaymentProvider provider, ProductCatalog catalog, RateLimiter limiter,
                        String callbackUrl, Clock clock) {
        this.orders = orders;
        this.provider = provider;
        this.catalog = catalog;
        this.limiter = limiter;
        this.callbackUrl = callbackUrl;
        this.clock = clock;
    }

    public record Created(Order order, boolean replayed) {
    }

    /**
     * @param idempotencyKey the caller's {@code Idempotency-Key}, or null for a new order every time
     */
    public Created create(UserId user, String productId, String idempotencyKey) {
        return create(user, productId, null, idempotencyKey);
    }

    /**
     * @param currency the currency to pay in (any case), or null for the product's primary price; a currency the
     *                 product has no price in is 400 {@code unsupported_currency}, nothing written
     * @param idempotencyKey the caller's {@code Idempotency-Key}, or null for a new order every time
     */
    public Created create(UserId user, String productId, String currency, String idempotencyKey) {
        return create(user, productId, currency, idempotencyKey, null);
    }

    /**
     * @param paymentMethod the buyer's choice among the product's payment methods, or null for all of them;
     *                      any other (or one the provider's checkout cannot take) is 400
     *                      {@code unsupported_payment_method}, nothing written
     */
    public Created create(UserId user, String productId, String currency, String idempotencyKey, String paymentMethod) {
        Product product = catalog.require(productId);
        dev.prepaid.domain.payment.Money amount = product.priceFor(currency);
        if (!amount.currency().equals(product.price().currency()) && !provider.multiCurrency()) {
            throw new ValidationException("unsupported_currency", "the " + provider.name()
                    + " checkout sells product " + product.id() + " in " + product.price().currency().toUpperCase(java.util.Locale.ROOT)
                    + " only");
        }
        if (paymentMethod != null && !product.offers(paymentMethod)) {
            throw new ValidationException("unsupported_payment_method", "product " + product.id()
                    + " is sold with " + String.join(", ", product.paymentMethods()));
        }
        if (paymentMethod != null && !provider.offersPaymentMethod(paymentMethod)) {
            throw new ValidationException("unsupported_payment_method", "the " + provider.name()
                    + " checkout does not offer " + paymentMethod);
        }
        if (idempotencyKey != null) {
            new dev.prepaid.domain.IdempotencyKey(idempotencyKey);
        }
        OrderId orderId = idempotencyKey == null ? OrderId.random() : OrderId.forKey(user, idempotencyKey);
        Order existing = idempotencyKey == null ? null : orders.find(orderId).orElse(null);
        if (existing != null) {
            if (!existing.productId().equals(product.id())
                    || (currency != null && !existing.amount().currency().equals(amount.currency()))
                    || !java.util.Objects.equals(existing.paymentMethod(), paymentMethod)) {
                throw new dev.prepaid.domain.IdempotencyKeyReusedException(orderId.value());
            }
            return new Created(existing.checkoutId() != null ? existing : openCheckout(existing, product), true);
        }
        if (product.isSubscription() && orders.subscription(user).filter(Subscription::isActive).isPresent()) {
            // A second checkout would start a second subscription that keeps billing beside the first.
            throw new ConflictException("subscription_active",
                    "you already have an active subscription; change its plan instead",
                    Map.of("changePlan", SubscriptionService.CHANGE_PLAN_ROUTE));
        }
        long retryAfter = limiter.acquire("create-order#" + user.value(), ORDERS_PER_MINUTE, 60);
        if (retryAfter > 0) {
            throw new RateLimitedException("at most " + ORDERS_PER_MINUTE + " orders a minute", retryAfter);
        }
        Instant now = clock.instant();
        Order order = Order.pending(orderId, user, product, amount, provider.name(), now, paymentMethod);
        if (!orders.create(order)) {
            // A concurrent request with the same key won the put: continue with its order.
            order = orders.find(orderId).orElseThrow();
            if (order.checkoutId() != null) {
                return new Created(order, true);
            }
        }
        return new Created(openCheckout(order, product), false);
    }

    private Order openCheckout(Order order, Product product) {
        String base = callbackUrl + (callbackUrl.contains("?") ? "&" : "?") + "orderId=" + order.orderId().value();
        CheckoutSession session = provider.createCheckout(order, product, base, base + "&canceled=1");
        Instant now = clock.instant();
        orders.attachCheckout(order.orderId(), session.checkoutId(), session.url(), now);
        return order.withCheckout(session.checkoutId(), session.url(), now);
    }

    /** The caller's own order; anyone else's is indistinguishable from a missing one. */
    public Order order(UserId user, String orderId) {
        if (!OrderId.isValid(orderId)) {
            throw new NotFoundException("order_not_found", "no such order");
        }
        return orders.find(new OrderId(orderId))
                .filter(order -> order.userId().equals(user))
                .orElseThrow(() -> new NotFoundException("order_not_found", "no such order"));
    }

    /** The most orders one page of {@link #orders} returns. */
    public static final int MAX_PAGE = 100;

    /** The caller's own orders, newest first; the user is always the verified caller, never a parameter. */
    public OrderPage orders(UserId user, Optional<OrderStatus> status, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ValidationException("invalid_limit", "limit must be between 1 and " + MAX_PAGE);
        }
        return orders.ordersOf(user, status, limit, cursor);
    }

    /** Validates an order status word from outside (the admin and reporting routes use it). */
    public static OrderStatus status(String value) {
        try {
            return OrderStatus.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("invalid_status", "unknown order status");
        }
    }
}
