package dev.prepaid.adapter.out.provider.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.testing.stripe.FakeStripe;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fromEnv: everything checked at start-up, messages that name variables and never show a secret. */
class StripeConfigTest {
    static final String TEST_KEY = "sk_test_51Secret0000000000000000000000000000wxyz";
    static final String LIVE_KEY = "sk_live_51Secret0000000000000000000000000000live";
    static final String WEBHOOK_SECRET = "whsec_0123456789abcdefghijklmnopqrstuv";

    static Map<String, String> complete() {
        Map<String, String> env = new HashMap<>();
        env.put("PAYMENT_ENV", "test");
        env.put("STRIPE_SECRET_KEY", TEST_KEY);
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("STRIPE_PRICE_TRIAL", "price_trial");
        env.put("STRIPE_PRICE_BASIC", "price_basic");
        env.put("STRIPE_PRICE_PRO", "price_pro");
        return env;
    }

    static IllegalStateException refused(Map<String, String> env) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults()));
        for (String secret : new String[] {TEST_KEY, LIVE_KEY, WEBHOOK_SECRET, env.getOrDefault("STRIPE_SECRET_KEY", TEST_KEY)}) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertFalse(secret.length() > 12 && e.getMessage().contains(secret.substring(0, 12)), e.getMessage());
        }
        return e;
    }

    @Test
    void aCompleteEnvironmentWorksAgainstTheConfiguredApiBase() {
        try (FakeStripe fake = new FakeStripe()) {
            Map<String, String> env = complete();
            env.put("STRIPE_API_BASE", fake.baseUrl() + "/");
            StripePaymentProvider provider = StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults());
            assertEquals("stripe", provider.name());
            ProductCatalog catalog = ProductCatalog.defaults();
            Order order = Order.pending(OrderId.random(), new UserId("u1"), catalog.require("pro"), "stripe", Instant.now());
            CheckoutSession session = provider.createCheckout(order, catalog.require("pro"), "https://a.test/ok?x=1",
                    "https://a.test/no");
            assertTrue(session.checkoutId().startsWith("cs_test_"));
            FakeStripe.Request request = fake.requests().get(0);
            assertEquals("price_pro", request.param("line_items[0][price]"));
        }
    }

    @Test
    void aMissingPriceIsAStartUpErrorNamingTheVariable() {
        Map<String, String> env = complete();
        env.remove("STRIPE_PRICE_PRO");
        IllegalStateException e = refused(env);
        assertTrue(e.getMessage().contains("STRIPE_PRICE_PRO"), e.getMessage());
        assertFalse(e.getMessage().contains("STRIPE_PRICE_BASIC"), e.getMessage());

        env.put("STRIPE_PRICE_BASIC", "  ");
        e = refused(env);
        assertTrue(e.getMessage().contains("STRIPE_PRICE_PRO") && e.getMessage().contains("STRIPE_PRICE_BASIC"), e.getMessage());
    }

    @Test
    void paymentEnvPicksThePriceOfItsEnvironmentWhenOneIsSet() {
        try (FakeStripe fake = new FakeStripe()) {
            Map<String, String> env = complete();
            env.put("STRIPE_API_BASE", fake.baseUrl());
            env.put("STRIPE_PRICE_PRO_TEST", "price_pro_test_mode");
            env.put("STRIPE_PRICE_PRO_PRODUCTION", "price_pro_live_mode");
            env.remove("STRIPE_PRICE_BASIC");
            env.put("STRIPE_PRICE_BASIC_TEST", "price_basic_test_mode");
            ProductCatalog catalog = ProductCatalog.defaults();
            StripePaymentProvider provider = StripePaymentProvider.fromEnv(new Env(env), catalog);
            for (String product : new String[] {"pro", "basic", "trial"}) {
                Order order = Order.pending(OrderId.random(), new UserId("u1"), catalog.require(product), "stripe", Instant.now());
                provider.createCheckout(order, catalog.require(product), "https://a.test/ok", "https://a.test/no");
            }
            assertEquals("price_pro_test_mode", fake.requests().get(0).param("line_items[0][price]"),
                    "STRIPE_PRICE_PRO_TEST wins over STRIPE_PRICE_PRO when PAYMENT_ENV=test");
            assertEquals("price_basic_test_mode", fake.requests().get(1).param("line_items[0][price]"));
            assertEquals("price_trial", fake.requests().get(2).param("line_items[0][price]"), "no _TEST: the plain name");
        }
        Map<String, String> env = complete();
        env.remove("STRIPE_PRICE_TRIAL");
        env.put("STRIPE_PRICE_TRIAL_PRODUCTION", "price_trial_live_mode");
        IllegalStateException e = refused(env);
        assertTrue(e.getMessage().contains("trial: providerIds.stripe.test in the catalog file, or STRIPE_PRICE_TRIAL_TEST or STRIPE_PRICE_TRIAL"),
                "the live price does not serve PAYMENT_ENV=test: " + e.getMessage());
    }

    @Test
    void everyProductOfTheCatalogNeedsAPrice() {
        ProductCatalog catalog = ProductCatalog.parse("""
                mega.price = 99.00
                mega.credits = 10000
                mega.type = one_time
                """);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StripePaymentProvider.fromEnv(new Env(complete()), catalog));
        assertTrue(e.getMessage().contains("STRIPE_PRICE_MEGA"), e.getMessage());
    }

    @Test
    void missingSecretsNameTheirVariables() {
        Map<String, String> env = complete();
        env.remove("STRIPE_SECRET_KEY");
        assertTrue(refused(env).getMessage().contains("STRIPE_SECRET_KEY"));
        env = complete();
        env.remove("STRIPE_WEBHOOK_SECRET");
        assertTrue(refused(env).getMessage().contains("STRIPE_WEBHOOK_SECRET"));
    }

    @Test
    void productionNeedsALiveKey() {
        Map<String, String> env = complete();
        env.put("PAYMENT_ENV", "production");
        IllegalStateException e = refused(env);
        assertTrue(e.getMessage().contains("STRIPE_SECRET_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("****wxyz"), e.getMessage());

        env.put("STRIPE_SECRET_KEY", LIVE_KEY);
        assertEquals("stripe", StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults()).name());
        env.put("STRIPE_SECRET_KEY", "rk_live_51Restricted000000000000000000000000live");
        assertEquals("stripe", StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults()).name());
        env.put("STRIPE_API_BASE", "http://127.0.0.1:12111");
        assertTrue(refused(env).getMessage().contains("STRIPE_API_BASE"));
    }

    @Test
    void testAndLocalRefuseALiveKey() {
        for (String paymentEnv : new String[] {"test", "local", null}) {
            Map<String, String> env = complete();
            if (paymentEnv == null) {
                env.remove("PAYMENT_ENV"); // defaults to local
            } else {
                env.put("PAYMENT_ENV", paymentEnv);
            }
            env.put("STRIPE_SECRET_KEY", LIVE_KEY);
            IllegalStateException e = refused(env);
            assertTrue(e.getMessage().contains("STRIPE_SECRET_KEY"), e.getMessage());
        }
        Map<String, String> env = complete();
        env.put("STRIPE_SECRET_KEY", "rk_test_51Restricted0000000000000000000000000test");
        assertEquals("stripe", StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults()).name());
        env.put("STRIPE_SECRET_KEY", "pk_test_51Publishable000000000000000000000000pub");
        assertTrue(refused(env).getMessage().contains("not a Stripe secret or restricted key"));
    }

    @Test
    void unknownPaymentEnvAndSwappedSecretsAreRefused() {
        Map<String, String> env = complete();
        env.put("PAYMENT_ENV", "staging");
        assertTrue(refused(env).getMessage().contains("PAYMENT_ENV"));

        env = complete();
        env.put("STRIPE_WEBHOOK_SECRET", TEST_KEY);
        IllegalStateException e = refused(env);
        assertTrue(e.getMessage().contains("STRIPE_WEBHOOK_SECRET"), e.getMessage());
    }


    @Test
    void theCheckoutLifetimeIsReadAtStartUpAndSentAsExpiresAt() {
        try (FakeStripe fake = new FakeStripe()) {
            Map<String, String> env = complete();
            env.put("STRIPE_API_BASE", fake.baseUrl());
            env.put("CHECKOUT_LIFETIME_MINUTES", " 1440 ");
            StripePaymentProvider provider = StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults());
            ProductCatalog catalog = ProductCatalog.defaults();
            Instant created = Instant.now().minusSeconds(5);
            Order order = Order.pending(OrderId.random(), new UserId("u1"), catalog.require("pro"), "stripe", created);
            provider.createCheckout(order, catalog.require("pro"), "https://a.test/ok", "https://a.test/no");
            assertEquals(Long.toString(created.plus(java.time.Duration.ofHours(24)).getEpochSecond()),
                    fake.requests().get(0).param("expires_at"));
        }
    }

    @Test
    void aCheckoutLifetimeOutOfRangeFailsTheStartUpWithTheVariablesName() {
        for (String value : new String[] {"34", "1441", "0", "-60", "sixty", "60.5", "60m", "99999999999"}) {
            Map<String, String> env = complete();
            env.put("CHECKOUT_LIFETIME_MINUTES", value);
            IllegalStateException e = refused(env);
            assertTrue(e.getMessage().startsWith("CHECKOUT_LIFETIME_MINUTES must be a whole number of minutes from 35"
                    + " to 1440"), value + ": " + e.getMessage());
        }
        Map<String, String> env = complete();
        env.put("CHECKOUT_LIFETIME_MINUTES", "35");
        assertEquals("stripe", StripePaymentProvider.fromEnv(new Env(env), ProductCatalog.defaults()).name());
    }
}
