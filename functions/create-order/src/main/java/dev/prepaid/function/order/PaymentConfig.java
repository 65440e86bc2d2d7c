package dev.prepaid.function.order;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.wiring.PaymentWiring;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a frontend may know about payments here (the public {@code GET /api/payment/config}): who new
 * orders go to, which providers this deployment accepts, and Stripe's publishable key (a public value by
 * design: it can create nothing billable on its own). Checked at start-up, like every payment setting.
 *
 * @param provider             PAYMENT_PROVIDER: where create-order sends buyers
 * @param providers            every configured provider (the active one and those kept for in-flight payments)
 * @param stripePublishableKey STRIPE_PUBLISHABLE_KEY (template parameter StripePublishableKey), null when unset
 *                             or when Stripe is not configured
 */
public record PaymentConfig(String provider, List<String> providers, String stripePublishableKey) {

    public PaymentConfig {
        Objects.requireNonNull(provider, "provider");
        providers = List.copyOf(providers);
    }

    static PaymentConfig from(PaymentWiring wiring) {
        return from(wiring.env(), wiring.activeProvider().name(), List.copyOf(wiring.providers().keySet()));
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
