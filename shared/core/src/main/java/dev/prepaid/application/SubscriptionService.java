package dev.prepaid.application;

import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.Invoice;
import dev.prepaid.domain.payment.SavedPaymentMethod;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.OrderStore;
import dev.prepaid.port.out.PaymentProvider;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A user's subscription: what it is, cancelling it, and the provider's billing portal. */
public final class SubscriptionService {
    /** Where a user with an active subscription changes plan (named in the 409 of a second plan order). */
    public static final String CHANGE_PLAN_ROUTE = "POST /api/payment/subscription/change-plan";

    private final OrderStore orders;
    private final Map<String, PaymentProvider> providers;
    private final ProductCatalog catalog;
    private final PlanChanges planChanges;
    private final Clock clock;

    public SubscriptionService(OrderStore orders, Map<String, PaymentProvider> providers, ProductCatalog catalog,
                               PlanChanges planChanges, Clock clock) {
        this.orders = orders;
        this.providers = providers;
        this.catalog = catalog;
        this.planChanges = planChanges;
        this.clock = clock;
    }

    /**
     * Moves the user's active subscription to plan {@code productId}: first at the provider (which bills it
     * per the plan's proration flag), then the credits (PlanChanges: an upgrade grants the difference once,
     * a downgrade takes effect at the period's end). The provider's own subscription event, which follows,
     * posts under the same key and so grants nothing more. Asking for the plan one is on re-sends it to the
     * provider (undoing a downgrade not yet in effect) and grants nothing.
     */
    public PlanChanges.Result changePlan(UserId user, String productId) {
        Product target = catalog.require(productId);
        if (!target.isSubscription()) {
            throw new ValidationException("not_a_plan", "productId must be a subscription plan");
        }
        Subscription current = active(user);
        provider(current).changePlan(current, target);
        return planChanges.apply(current, target);
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
        orders.saveSubscription(updated,
                dev.prepaid.domain.events.AppEventPolicy.subscriptionChanged(subscription, updated).stream().toList());
        return updated;
    }

    public String billingPortal(UserId user, String returnUrl) {
        Subscription subscription = orders.subscription(user)
                .orElseThrow(() -> new NotFoundException("subscription_not_found", "you have no subscription"));
        return provider(subscription).billingPortalUrl(subscription, returnUrl);
    }

    /** The most invoices {@link #invoices} returns. */
    public static final int MAX_INVOICES = 100;

    /**
     * The invoices of the caller's customer at its provider, newest first. The customer is the one recorded
     * on the caller's own subscription (a one-time Checkout creates no reusable customer), never one the
     * request names: no customer, no invoices.
     */
    public List<Invoice> invoices(UserId user, int limit) {
        if (limit < 1 || limit > MAX_INVOICES) {
            throw new ValidationException("invalid_limit", "limit must be between 1 and " + MAX_INVOICES);
        }
        Optional<Subscription> subscription = withCustomer(user);
        return subscription.isEmpty() ? List.of()
                : provider(subscription.get()).invoices(subscription.get().customerRef(), limit);
    }

    /** The saved cards of the caller's customer (the same customer as {@link #invoices}); none without one. */
    public List<SavedPaymentMethod> paymentMethods(UserId user) {
        Optional<Subscription> subscription = withCustomer(user);
        return subscription.isEmpty() ? List.of()
                : provider(subscription.get()).savedPaymentMethods(subscription.get().customerRef());
    }

    private Optional<Subscription> withCustomer(UserId user) {
        return orders.subscription(user).filter(s -> s.customerRef() != null && !s.customerRef().isBlank());
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
