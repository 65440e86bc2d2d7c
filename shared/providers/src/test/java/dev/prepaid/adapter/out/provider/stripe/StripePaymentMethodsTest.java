package dev.prepaid.adapter.out.provider.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.testing.stripe.FakeStripe;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** payment_method_types, WeChat Pay's client and allow_promotion_codes on the Checkout session, through stripe-java. */
class StripePaymentMethodsTest {
    static final ProductCatalog CATALOG = ProductCatalog.parse("""
            pack.price = 9.99
            pack.currency = usd
            pack.credits = 500
            pack.type = one_time
            pack.payment_methods = card,alipay,wechat_pay,crypto
            pack.allow_promotion_codes = true
            plain.price = 4.99
            plain.credits = 100
            plain.type = one_time
            plan.price = 19.90
            plan.credits = 300
            plan.type = subscription
            plan.interval = month
            """);

    FakeStripe fake;
    StripePaymentProvider provider;

    @BeforeEach
    void start() {
        fake = new FakeStripe().price("price_pack", 999, "usd").price("price_plain", 499, "usd")
                .price("price_plan", 1990, "usd");
        provider = new StripePaymentProvider(StripeCheckoutTest.client(fake.baseUrl()), "whsec_methods",
                Map.of("pack", "price_pack", "plain", "price_plain", "plan", "price_plan"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private FakeStripe.Request checkout(String productId, String method) {
        Product product = CATALOG.require(productId);
        Order order = Order.pending(OrderId.random(), new UserId("user-7"), product, "stripe", Instant.now(), method);
        provider.createCheckout(order, product, "https://app.test/done", "https://app.test/cancel");
        return fake.requests("POST", "/v1/checkout/sessions").get(fake.requests("POST", "/v1/checkout/sessions").size() - 1);
    }

    @Test
    void aChosenMethodIsTheOnlyPaymentMethodType() {
        FakeStripe.Request alipay = checkout("pack", "alipay");
        assertEquals("alipay", alipay.param("payment_method_types[0]"));
        assertNull(alipay.param("payment_method_types[1]"));
        assertNull(alipay.param("payment_method_options[wechat_pay][client]"));

        FakeStripe.Request crypto = checkout("pack", "crypto");
        assertEquals("crypto", crypto.param("payment_method_types[0]"));
        assertNull(crypto.param("payment_method_types[1]"));
    }

    @Test
    void wechatPayIsAskedForTheWebClient() {
        FakeStripe.Request wechat = checkout("pack", "wechat_pay");
        assertEquals("wechat_pay", wechat.param("payment_method_types[0]"));
        assertEquals("web", wechat.param("payment_method_options[wechat_pay][client]"));
    }

    @Test
    void withoutAChoiceEveryMethodOfTheProductIsOffered() {
        FakeStripe.Request all = checkout("pack", null);
        assertEquals("card", all.param("payment_method_types[0]"));
        assertEquals("alipay", all.param("payment_method_types[1]"));
        assertEquals("wechat_pay", all.param("payment_method_types[2]"));
        assertEquals("crypto", all.param("payment_method_types[3]"));
        assertEquals("web", all.param("payment_method_options[wechat_pay][client]"));
        assertEquals("true", all.param("allow_promotion_codes"));
    }

    @Test
    void aProductWithoutTheFlagsIsCardOnlyWithoutPromotionCodes() {
        FakeStripe.Request plain = checkout("plain", null);
        assertEquals("card", plain.param("payment_method_types[0]"));
        assertNull(plain.param("payment_method_types[1]"));
        assertNull(plain.param("allow_promotion_codes"));
        FakeStripe.Request plan = checkout("plan", null);
        assertEquals("subscription", plan.param("mode"));
        assertEquals("card", plan.param("payment_method_types[0]"));
        assertFalse(plan.params().containsKey("payment_method_types[1]"));
    }

    @Test
    void aDiscountedSessionCarriesItsBreakdownIntoTheEvent() {
        Product product = CATALOG.require("pack");
        Order order = Order.pending(OrderId.random(), new UserId("user-7"), product, "stripe", Instant.now(), null);
        CheckoutSession session = provider.createCheckout(order, product, "https://app.test/done", "https://app.test/x");
        fake.discount(session.checkoutId(), 250);
        ObjectNode paid = fake.markPaid(session.checkoutId());
        assertEquals(749, paid.get("amount_total").asLong());
        CheckoutState state = provider.fetchCheckout(session.checkoutId());
        assertEquals(new PaymentEvent.Amounts(999, 250, 0, 0), state.paid().amounts());
        assertEquals(749, state.paid().paid().minor());
    }

    @Test
    void aFullDiscountNeedsNoPaymentAndIsSettled() {
        Product product = CATALOG.require("pack");
        Order order = Order.pending(OrderId.random(), new UserId("user-7"), product, "stripe", Instant.now(), null);
        CheckoutSession session = provider.createCheckout(order, product, "https://app.test/done", "https://app.test/x");
        fake.discount(session.checkoutId(), 999);
        assertEquals("no_payment_required", fake.markPaid(session.checkoutId()).get("payment_status").asText());
        CheckoutState state = provider.fetchCheckout(session.checkoutId());
        assertEquals(CheckoutState.Status.PAID, state.status());
        assertEquals(0, state.paid().paid().minor());
        assertNull(state.paid().paymentRef());
        assertEquals(new PaymentEvent.Amounts(999, 999, 0, 0), state.paid().amounts());
    }

    @Test
    void aPaymentMethodConfigurationReplacesTheTypesUnlessTheBuyerChose() {
        provider = new StripePaymentProvider(StripeCheckoutTest.client(fake.baseUrl()), "whsec_methods",
                Map.of("pack", "price_pack", "plain", "price_plain", "plan", "price_plan"), Clock.systemUTC(),
                dev.prepaid.domain.payment.CheckoutLifetime.DEFAULT, Map.of("pack", "pmc_1PackConfig"));
        FakeStripe.Request managed = checkout("pack", null);
        assertEquals("pmc_1PackConfig", managed.param("payment_method_configuration"));
        assertNull(managed.param("payment_method_types[0]"));
        FakeStripe.Request chosen = checkout("pack", "alipay");
        assertNull(chosen.param("payment_method_configuration"));
        assertEquals("alipay", chosen.param("payment_method_types[0]"));
        assertNull(checkout("plain", null).param("payment_method_configuration"));
    }

    @Test
    void aConfigurationThatIsNotAPmcIdStopsTheStart() {
        dev.prepaid.adapter.config.Env env = new dev.prepaid.adapter.config.Env(Map.of(
                "STRIPE_PAYMENT_METHOD_CONFIGURATION_PACK", "price_oops"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> StripePaymentProvider.methodConfigurations(env, CATALOG, "test"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("STRIPE_PAYMENT_METHOD_CONFIGURATION_PACK"));
        assertEquals(Map.of("pack", "pmc_test"), StripePaymentProvider.methodConfigurations(new dev.prepaid.adapter.config.Env(
                Map.of("STRIPE_PAYMENT_METHOD_CONFIGURATION_PACK", "pmc_plain",
                        "STRIPE_PAYMENT_METHOD_CONFIGURATION_PACK_TEST", "pmc_test")), CATALOG, "test"));
    }
}
