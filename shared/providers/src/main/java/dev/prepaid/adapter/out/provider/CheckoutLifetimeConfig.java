package dev.prepaid.adapter.out.provider;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.payment.CheckoutLifetime;

/**
 * {@code CHECKOUT_LIFETIME_MINUTES}: how long a checkout stays open (default {@value CheckoutLifetime#DEFAULT_MINUTES},
 * {@value CheckoutLifetime#MIN_MINUTES} to {@value CheckoutLifetime#MAX_MINUTES}). Read by every function on the
 * payment wiring: the providers open (Stripe) or expire (the mock) checkouts with it, and reconciliation and the
 * admin route tell an order awaiting its buyer from a stuck one with it. Anything else fails the start-up.
 */
public final class CheckoutLifetimeConfig {
    public static final String VARIABLE = "CHECKOUT_LIFETIME_MINUTES";

    private CheckoutLifetimeConfig() {
    }

    public static CheckoutLifetime fromEnv(Env env) {
        String value = env.optional("CHECKOUT_LIFETIME_MINUTES", null);
        if (value == null) {
            return CheckoutLifetime.DEFAULT;
        }
        try {
            return CheckoutLifetime.parseMinutes(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(VARIABLE + " " + e.getMessage());
        }
    }
}
