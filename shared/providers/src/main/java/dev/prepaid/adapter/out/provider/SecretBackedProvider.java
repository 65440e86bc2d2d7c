package dev.prepaid.adapter.out.provider;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.secrets.CachedSecret;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Invoice;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.SavedPaymentMethod;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.PaymentProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A provider whose keys come from a {@link CachedSecret}: built on first use (after a SnapStart restore, never
 * into the snapshot) from the environment with the secret's values laid over it, and built again when the
 * secret's values change (a rotation is picked up within the secret's TTL, no redeploy). {@link #name()} needs
 * no secret. A provider that is not the active one and whose key is not in the secret is not configured here:
 * every use of it is refused with {@code provider_not_configured}.
 */
public final class SecretBackedProvider implements PaymentProvider {

    /** The provider's credentials are not in the secret. */
    static final class NotConfigured extends DomainException {
        NotConfigured(String provider) {
            super("provider_not_configured", "the order's provider " + provider + " is not configured here");
        }
    }

    private final String name;
    private final String keyName;
    private final boolean active;
    private final Env base;
    private final CachedSecret secret;
    private final Function<Env, PaymentProvider> build;

    private Map<String, String> builtFrom;
    private PaymentProvider delegate;

    /**
     * @param keyName the secret's name whose presence configures this provider (STRIPE_SECRET_KEY, ...)
     * @param active  the active provider must be configured: its absence fails its use loudly
     */
    public SecretBackedProvider(String name, String keyName, boolean active, Env base, CachedSecret secret,
                         Function<Env, PaymentProvider> build) {
        this.name = Objects.requireNonNull(name, "name");
        this.keyName = Objects.requireNonNull(keyName, "keyName");
        this.active = active;
        this.base = Objects.requireNonNull(base, "base");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.build = Objects.requireNonNull(build, "build");
    }

    /** The provider for the secret's current values (built again when they changed). */
    synchronized PaymentProvider current() {
        Map<String, String> values = secret.values();
        if (delegate == null || !values.equals(builtFrom)) {
            String key = values.get(keyName);
            if (!active && (key == null || key.isBlank())) {
                throw new NotConfigured(name);
            }
            Map<String, String> merged = new HashMap<>(base.asMap());
            merged.putAll(values);
            delegate = build.apply(new Env(merged)); // validates the keys, as at a cold start before
            builtFrom = values;
        }
        return delegate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
        return current().createCheckout(order, product, successUrl, cancelUrl);
    }

    @Override
    public CheckoutState fetchCheckout(String checkoutId) {
        return current().fetchCheckout(checkoutId);
    }

    @Override
    public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
        return current().parseWebhook(headers, rawBody);
    }

    @Override
    public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
        return current().cancelSubscription(subscription, atPeriodEnd);
    }

    @Override
    public void changePlan(Subscription subscription, Product target) {
        current().changePlan(subscription, target);
    }

    @Override
    public String billingPortalUrl(Subscription subscription, String returnUrl) {
        return current().billingPortalUrl(subscription, returnUrl);
    }

    @Override
    public List<Invoice> invoices(String customerRef, int limit) {
        return current().invoices(customerRef, limit);
    }

    @Override
    public List<SavedPaymentMethod> savedPaymentMethods(String customerRef) {
        return current().savedPaymentMethods(customerRef);
    }

    @Override
    public synchronized String toString() {
        return "SecretBackedProvider[" + name + ", " + (delegate == null ? "not built yet" : delegate.toString()) + "]";
    }
}
