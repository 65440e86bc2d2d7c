package dev.prepaid.function.order;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.domain.payment.ProductCatalog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a frontend may know about payments here (the public {@code GET /api/payment/config}): who new
 * orders go to, which providers this deployment accepts, and Stripe's publishable key (a public value by
 * design: it can create nothing billable on its own). Checked at start-up, like every payment setting.
 *
 * @param provider             PAYMENT_PROVIDER: where create-order sends buyers
 * @param providers            every configured provider (the active one and those kept for in-flight payments)
 * @param stripePublishableKey STRIPE_PUBLISHABLE_KEY (template parameter StripePublishableKey), null when unset
 *                             or when Stripe is not configured
 * @param paymentMethods       the checkout methods new orders can use here: those the catalog's products offer, in
 *                             the catalog's order ({@code card}, {@code alipay}, {@code wechat_pay}, {@code crypto});
 *                             only {@code card} when the active provider is Creem, whose checkout takes no choice.
 *                             Which product offers which is on {@code GET /api/credits/plans}.
 */
public record PaymentConfig(String provider, List<String> providers, String stripePublishableKey,
                            List<String> paymentMethods) {

    public PaymentConfig {
        Objects.requireNonNull(provider, "provider");
        providers = List.copyOf(providers);
        paymentMethods = List.copyOf(paymentMethods);
    }

    /** Without a catalog at hand (tests): card only. */
    public PaymentConfig(String provider, List<String> providers, String stripePublishableKey) {
        this(provider, providers, stripePublishableKey, List.of("card"));
    }

    static PaymentConfig from(PaymentWiring wiring) {
        String active = wiring.activeProvider().name();
        PaymentConfig config = from(wiring.env(), active, List.copyOf(wiring.providers().keySet()));
        return new PaymentConfig(config.provider(), config.providers(), config.stripePublishableKey(),
                enabledMethods(active, wiring.catalog()));
    }

    static List<String> enabledMethods(String activeProvider, ProductCatalog catalog) {
        if (activeProvider.equals("creem")) {
            return List.of("card");
        }
        Set<String> methods = new LinkedHashSet<>();
        catalog.all().forEach(product -> methods.addAll(product.paymentMethods()));
        return List.copyOf(methods);
    }

    /**
     * A publishable key of the wrong mode for PAYMENT_ENV (a live key in test, a test key in production) or not
     * a publishable key at all (a secret key pasted by mistake would be published) fails the start-up.
     */
    static PaymentConfig from(Env env, String provider, List<String> providers) {
        String key = env.optional("STRIPE_PUBLISHABLE_KEY", "").trim();
        if (key.isEmpty() || !providers.contains("stripe")) {
            return new PaymentConfig(provider, providers, null);
        }
        boolean production = env.optional("PAYMENT_ENV", "local").trim().toLowerCase(Locale.ROOT).equals("production");
        String expected = production ? "pk_live_" : "pk_test_";
        if (!key.startsWith(expected) || !key.matches("pk_(live|test)_[A-Za-z0-9]+")) {
            throw new IllegalStateException("STRIPE_PUBLISHABLE_KEY must be a " + (production ? "live" : "test")
                    + "-mode publishable key (" + expected + "...) when PAYMENT_ENV is "
                    + (production ? "production" : "not production"));
        }
        return new PaymentConfig(provider, providers, key);
    }
}
