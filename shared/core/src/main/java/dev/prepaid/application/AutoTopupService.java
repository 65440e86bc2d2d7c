package dev.prepaid.application;

import dev.prepaid.domain.ConflictException;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventType;
import dev.prepaid.domain.payment.OffSessionCharge;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.domain.topup.AutoTopup;
import dev.prepaid.domain.topup.AutoTopupPolicy;
import dev.prepaid.port.out.AppEventNotifier;
import dev.prepaid.port.out.AutoTopupStore;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Auto top-up (docs/auto-topup.md): the user's opt-in, and the worker's reaction to a trigger (the
 * {@code credits.low} event of the posting that took the balance below the user's threshold).
 *
 * <p>A trigger starts at most one attempt: a compare-and-set on the settings moves them from idle to charging
 * (checking the cooldown, the month's cap and that this trigger did not already start one), then a pending order
 * is written (the same order model as create-order) and the saved card charged off-session under the order id as
 * idempotency key. Credits are never granted here: the provider's signed "payment succeeded" webhook reaches
 * fulfilment as a {@code CheckoutPaid} for the order and is credited there, once. A refusal is recorded, counted,
 * told to the app ({@code auto_topup.failed}, and {@code auto_topup.disabled} at the policy's failure limit).
 */
public final class AutoTopupService {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AutoTopupStore store;
    private final OrderStore orders;
    private final Map<String, PaymentProvider> providers;
    private final ProductCatalog catalog;
    private final AutoTopupPolicy policy;
    private final AppEventNotifier notifier;
    private final Clock clock;

    public AutoTopupService(AutoTopupStore store, OrderStore orders, Map<String, PaymentProvider> providers,
                            ProductCatalog catalog, AutoTopupPolicy policy, AppEventNotifier notifier, Clock clock) {
        this.store = store;
        this.orders = orders;
        this.providers = Map.copyOf(providers);
        this.catalog = catalog;
        this.policy = policy;
        this.notifier = notifier;
        this.clock = clock;
    }

    public AutoTopupPolicy policy() {
        return policy;
    }

    // --- the user's routes ----------------------------------------------------------------------------

    /**
     * Opts in (or changes the pack or threshold; a disabled opt-in is enabled again with its failures reset).
     * The pack must be a one-time product; the threshold positive; the user's provider customer must have a
     * default card ({@code 409 no_saved_card} otherwise).
     */
    public AutoTopup optIn(UserId user, String productId, BigDecimal threshold) {
        Product product = catalog.find(productId).orElseThrow(() ->
                new ValidationException("invalid_product", "productId must be a one-time credit pack"));
        if (product.type() != ProductType.ONE_TIME) {
            throw new ValidationException("invalid_product", "productId must be a one-time credit pack");
        }
        if (threshold == null) {
            throw new ValidationException("invalid_threshold", "threshold is required");
        }
        Credits limit;
        try {
            limit = Credits.parse(threshold, "threshold");
        } catch (ValidationException e) {
            throw new ValidationException("invalid_threshold", e.getMessage());
        }
        if (!limit.isPositive()) {
            throw new ValidationException("invalid_threshold", "threshold must be greater than 0");
        }
        Subscription customer = orders.subscription(user)
                .filter(s -> s.customerRef() != null && !s.customerRef().isBlank())
                .orElseThrow(AutoTopupService::noSavedCard);
        PaymentProvider provider = providers.get(customer.provider());
        if (provider == null || provider.defaultPaymentMethod(customer.customerRef()).isEmpty()) {
            throw noSavedCard();
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<AutoTopup> previous = store.find(user);
            AutoTopup next = AutoTopup.optIn(user, product.id(), limit, customer.provider(), customer.customerRef(),
                    previous.orElse(null), clock.instant());
            long expected = previous.map(AutoTopup::version).orElse(0L);
            if (store.saveOptIn(next, expected)) {
                return next.withVersion(expected + 1);
            }
        }
        throw new ConflictException("auto_topup_busy", "the auto top-up settings are changing; retry", Map.of());
    }

    private static ConflictException noSavedCard() {
        return new ConflictException("no_saved_card",
                "auto top-up needs a saved card: your payment customer has no default payment method",
                Map.of("paymentMethods", "/api/payment/payment-methods"));
    }

    public Optional<AutoTopup> settings(UserId user) {
        return store.find(user);
    }

    public boolean optOut(UserId user) {
        return store.delete(user);
    }

    // --- the worker -------------------------------------------------------------------------------------

    public record Outcome(Kind kind, String detail, String orderId) {
        public enum Kind { CHARGED, REFUSED, SKIPPED }

        static Outcome skipped(String detail) {
            return new Outcome(Kind.SKIPPED, detail, null);
        }
    }

    /**
     * Reacts to {@code triggerId} (the id of the outbox event that reported the crossing) for {@code user}.
     * Safe to call again with the same trigger (a redelivered message): it resumes the attempt that trigger
     * started, under the same idempotency key, or does nothing. A provider outage propagates (the message is
     * retried) and leaves the attempt in flight to be resumed.
     */
    public Outcome trigger(UserId user, String triggerId) {
        Optional<AutoTopup> found = store.find(user);
        if (found.isEmpty()) {
            return Outcome.skipped("not opted in");
        }
        AutoTopup settings = found.get();
        if (!settings.enabled()) {
            return Outcome.skipped("disabled (" + settings.disabledReason() + ")");
        }
        Instant now = clock.instant();
        if (settings.state() == AutoTopup.State.CHARGING) {
            boolean same = triggerId.equals(settings.lastTriggerId());
            boolean stale = settings.attemptStartedAt() == null
                    || !settings.attemptStartedAt().plus(policy.staleAttempt()).isAfter(now);
            if (!same && !stale) {
                return Outcome.skipped("attempt " + settings.attemptId() + " is in flight");
            }
            return charge(settings, now);
        }
        if (triggerId.equals(settings.lastTriggerId())) {
            return Outcome.skipped("trigger " + triggerId + " was handled");
        }
        if (settings.nextAllowedAt() != null && now.isBefore(settings.nextAllowedAt())) {
            return Outcome.skipped("cooldown until " + settings.nextAllowedAt());
        }
        if (settings.attemptsIn(now) >= policy.monthlyCap()) {
            return Outcome.skipped("monthly cap of " + policy.monthlyCap() + " reached");
        }
        AutoTopup charging = settings.charging(newAttemptId(), triggerId, now, now.plus(policy.cooldown()));
        if (!store.replace(charging, settings.version(), List.of())) {
            return Outcome.skipped("another trigger started an attempt");
        }
        return charge(charging.withVersion(settings.version() + 1), now);
    }

    private Outcome charge(AutoTopup settings, Instant now) {
        UserId user = settings.userId();
        OrderId orderId = orderIdOf(settings);
        PaymentProvider provider = providers.get(settings.provider());
        Product product = catalog.find(settings.productId()).filter(p -> p.type() == ProductType.ONE_TIME).orElse(null);
        if (provider == null || product == null) {
            return refused(settings, orderId, null, new OffSessionCharge.Refused(null,
                    provider == null ? "provider_not_configured" : "product_unavailable", null,
                    "the auto top-up's provider or product is not available"), now);
        }
        Order order = orders.find(orderId).orElse(null);
        if (order == null) {
            order = Order.pending(orderId, user, product, provider.name(), now);
            if (!orders.create(order)) {
                order = orders.find(orderId).orElseThrow();
            }
        }
        Optional<String> card = provider.defaultPaymentMethod(settings.customerRef());
        OffSessionCharge result = card.isEmpty()
                ? new OffSessionCharge.Refused(null, "no_saved_card", null, "the customer has no default payment method")
                : provider.chargeOffSession(order, settings.customerRef(), card.get());
        if (result.paymentRef() != null && order.checkoutId() == null) {
            // before the webhook can be fulfilled: fulfilment matches the payment against the order's "checkout"
            orders.attachCheckout(orderId, result.paymentRef(), null, now);
        }
        if (result instanceof OffSessionCharge.Refused refusal) {
            return refused(settings, orderId, order, refusal, now);
        }
        OffSessionCharge.Accepted accepted = (OffSessionCharge.Accepted) result;
        if (!store.replace(settings.succeeded(accepted.status(), now), settings.version(), List.of())) {
            // opted out (or changed) meanwhile: the payment stands and is credited by its webhook
            return new Outcome(Outcome.Kind.CHARGED, "charged; the settings changed meanwhile", orderId.value());
        }
        return new Outcome(Outcome.Kind.CHARGED, accepted.status() + " " + accepted.paymentRef(), orderId.value());
    }

    private Outcome refused(AutoTopup settings, OrderId orderId, Order order, OffSessionCharge.Refused refusal,
                            Instant now) {
        if (order != null) {
            orders.close(orderId, OrderStatus.FAILED, now);
        }
        AutoTopup failed = settings.failed(refusal.code(), policy.maxFailures(), now);
        List<AppEvent> events = new ArrayList<>(2);
        String source = "autotopup:" + settings.attemptId();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", settings.userId().value());
        data.put("attemptId", settings.attemptId());
        data.put("orderId", orderId.value());
        data.put("productId", settings.productId());
        data.put("code", refusal.code());
        if (refusal.declineCode() != null) {
            data.put("declineCode", refusal.declineCode());
        }
        data.put("consecutiveFailures", (long) failed.consecutiveFailures());
        data.put("enabled", failed.enabled());
        events.add(new AppEvent(AppEvent.idFor(source, AppEventType.AUTO_TOPUP_FAILED), AppEventType.AUTO_TOPUP_FAILED,
                settings.userId(), source, now, data));
        if (settings.enabled() && !failed.enabled()) {
            Map<String, Object> off = new LinkedHashMap<>();
            off.put("userId", settings.userId().value());
            off.put("reason", failed.disabledReason());
            off.put("consecutiveFailures", (long) failed.consecutiveFailures());
            off.put("lastCode", refusal.code());
            events.add(new AppEvent(AppEvent.idFor(source, AppEventType.AUTO_TOPUP_DISABLED),
                    AppEventType.AUTO_TOPUP_DISABLED, settings.userId(), source, now, off));
        }
        if (store.replace(failed, settings.version(), events)) {
            try {
                notifier.committed(events);
            } catch (RuntimeException e) {
                // durable in the outbox: the sweeper enqueues it
            }
        }
        return new Outcome(Outcome.Kind.REFUSED, refusal.code()
                + (refusal.declineCode() == null ? "" : " (" + refusal.declineCode() + ")")
                + (failed.enabled() ? "" : "; auto top-up disabled"), orderId.value());
    }

    /** The attempt's order: a retried trigger finds the same one (and the provider the same idempotency key). */
    public static OrderId orderIdOf(AutoTopup settings) {
        return OrderId.forKey(settings.userId(), "auto-topup:" + settings.attemptId());
    }

    private static String newAttemptId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "att_" + HexFormat.of().formatHex(bytes);
    }
}
