package dev.prepaid.application;

import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A user's subscription: what it is, cancelling it, and the provider's billing portal. */
public final class SubscriptionService {
    private final OrderStore orders;
    private final Map<String, PaymentProvider> providers;
    private final Clock clock;

    public SubscriptionService(OrderStore orders, Map<String, PaymentProvider> providers, Clock clock) {
        this.orders = orders;
        this.providers = providers;
        this.clock = clock;
    }

    public Optional<Subscription> current(UserId user) {
        return orders.subscription(user);
    }

    public Subscription cancel(UserId user, boolean atPeriodEnd) {
        Subscription subscription = active(user);
        Subscription reported = provider(subscription).cancelSubscription(subscription, atPeriodEnd);
        Subscription updated = new Subscription(user, subscription.provider(), subscription.subscriptionId(),
                subscription.productId(), reported.status(),
                reported.currentPeriodEnd() != null ? reported.currentPeriodEnd() : subscription.currentPeriodEnd(),
                reported.cancelAtPeriodEnd(), subscription.customerRef(), clock.instant(), subscription.eventAt());
        orders.saveSubscription(updated);
        return updated;
    }

    public String billingPortal(UserId user, String returnUrl) {
        Subscription subscription = orders.subscription(user)
                .orElseThrow(() -> new NotFoundException("subscription_not_found", "you have no subscription"));
        return provider(subscription).billingPortalUrl(subscription, returnUrl);
    }

    private Subscription active(UserId user) {
        return orders.subscription(user).filter(Subscription::isActive)
                .orElseThrow(() -> new NotFoundException("subscription_not_found", "you have no active subscription"));
    }

    private PaymentProvider provider(Subscription subscription) {
        PaymentProvider provider = providers.get(subscription.provider());
        if (provider == null) {
            throw new NotFoundException("provider_not_configured",
                    "the subscription's provider is not configured here");
        }
        return provider;
    }
}
