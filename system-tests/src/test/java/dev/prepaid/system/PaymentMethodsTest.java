package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 items 1 and 5 end to end (create-order, real stripe-java against FakeStripe, signed webhooks, the
 * queue, fulfilment on DynamoDB Local): a buyer's payment method becomes the session's payment_method_types,
 * an Alipay checkout completed unpaid grants only on async_payment_succeeded (exactly once), and a promotion
 * code's discount is accepted only for a product that allows codes and only when total_details explains it.
 */
class PaymentMethodsTest {
    /** src/test/resources/catalogs/payment-methods-test.json: pack (every method, promotion codes), plain, plan. */
    static final String CATALOG = "payment-methods-test";

    private static String user() {
        return "methods-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Reply order(PaymentSystem system, String user, String body) {
        return system.call("POST", "/api/payment/create-order", "user:" + user, body, Map.of());
    }

    private static FakeStripe.Request lastSession(PaymentSystem system) {
        List<FakeStripe.Request> posts = system.stripe.requests("POST", "/v1/checkout/sessions");
        return posts.get(posts.size() - 1);
    }

    private static void assertCredits(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + ", was " + actual);
    }

    private static String status(PaymentSystem system, String user, JsonNode order) {
        return system.call("GET", "/api/payment/orders/" + order.get("orderId").asText(), "user:" + user, null, Map.of())
                .json().get("status").asText();
    }

    private static void deliver(PaymentSystem system, ObjectNode event) {
        Reply reply = system.stripeEvent(event);
        assertEquals(200, reply.status(), reply.body());
        system.drain();
    }

    @Test
    void theChosenMethodIsTheSessionsOnlyPaymentMethodType() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            for (String method : List.of("alipay", "wechat_pay", "crypto", "card")) {
                Reply created = order(system, buyer, "{\"productId\":\"pack\",\"paymentMethod\":\"" + method + "\"}");
                assertEquals(201, created.status(), created.body());
                assertEquals(method, created.json().get("paymentMethod").asText());
                FakeStripe.Request session = lastSession(system);
                assertEquals(method, session.param("payment_method_types[0]"));
                assertEquals(null, session.param("payment_method_types[1]"));
                assertEquals(method.equals("wechat_pay") ? "web" : null,
                        session.param("payment_method_options[wechat_pay][client]"));
                assertEquals("true", session.param("allow_promotion_codes"));
            }
            Reply all = order(system, buyer, "{\"productId\":\"pack\"}");
            assertEquals(201, all.status(), all.body());
            assertTrue(all.json().get("paymentMethod").isNull());
            assertEquals("crypto", lastSession(system).param("payment_method_types[3]"));
        }
    }

    @Test
    void aMethodTheProductDoesNotOfferIs400AndOpensNoCheckout() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            for (String body : List.of("{\"productId\":\"plain\",\"paymentMethod\":\"alipay\"}",
                    "{\"productId\":\"plan\",\"paymentMethod\":\"crypto\"}",
                    "{\"productId\":\"pack\",\"paymentMethod\":\"usdt_trc20\"}",
                    "{\"productId\":\"pack\",\"paymentMethod\":\"\"}",
                    "{\"productId\":\"pack\",\"paymentMethod\":\"ALIPAY\"}")) {
                Reply refused = order(system, buyer, body);
                assertEquals(400, refused.status(), body + " -> " + refused.body());
                assertEquals("unsupported_payment_method", refused.json().get("error").asText(), refused.body());
            }
            Reply notAString = order(system, buyer, "{\"productId\":\"pack\",\"paymentMethod\":[\"alipay\"]}");
            assertEquals(400, notAString.status(), notAString.body());
            assertEquals("invalid_payment_method", notAString.json().get("error").asText());
            assertEquals(0, system.stripe.sessionsCreated());
        }
    }

    @Test
    void theSameIdempotencyKeyWithAnotherMethodIsAConflict() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            Map<String, String> key = Map.of("idempotency-key", "k-" + UUID.randomUUID());
            Reply first = system.call("POST", "/api/payment/create-order", "user:" + buyer,
                    "{\"productId\":\"pack\",\"paymentMethod\":\"alipay\"}", key);
            assertEquals(201, first.status(), first.body());
            Reply again = system.call("POST", "/api/payment/create-order", "user:" + buyer,
                    "{\"productId\":\"pack\",\"paymentMethod\":\"alipay\"}", key);
            assertTrue(again.json().get("replayed").asBoolean(), again.body());
            Reply other = system.call("POST", "/api/payment/create-order", "user:" + buyer,
                    "{\"productId\":\"pack\",\"paymentMethod\":\"crypto\"}", key);
            assertEquals(409, other.status(), other.body());
            assertEquals(1, system.stripe.sessionsCreated());
        }
    }

    @Test
    void anAlipayCheckoutCompletedUnpaidGrantsOnlyOnTheAsyncSuccessOnce() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            JsonNode order = order(system, buyer, "{\"productId\":\"pack\",\"paymentMethod\":\"alipay\"}").json();
            String checkout = order.get("checkoutId").asText();
            ObjectNode processing = system.stripe.markProcessing(checkout);
            deliver(system, StripeWebhooks.checkoutSessionCompleted(processing));
            assertCredits("0", system.balance(buyer));
            assertEquals("pending", status(system, buyer, order));
            ObjectNode succeeded = StripeWebhooks.event("checkout.session.async_payment_succeeded",
                    system.stripe.markPaid(checkout));
            deliver(system, succeeded);
            deliver(system, StripeWebhooks.checkoutSessionCompleted(system.stripe.session(checkout)));
            assertCredits("500", system.balance(buyer));
            assertEquals("completed", status(system, buyer, order));

            JsonNode other = order(system, buyer, "{\"productId\":\"pack\",\"paymentMethod\":\"alipay\"}").json();
            ObjectNode unpaid = system.stripe.markProcessing(other.get("checkoutId").asText());
            deliver(system, StripeWebhooks.checkoutSessionCompleted(unpaid));
            deliver(system, StripeWebhooks.event("checkout.session.async_payment_failed", unpaid));
            assertEquals("failed", status(system, buyer, other));
            assertCredits("500", system.balance(buyer));
        }
    }

    @Test
    void aPromotionCodeDiscountGrantsTheProductsCredits() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            JsonNode order = order(system, buyer, "{\"productId\":\"pack\"}").json();
            String checkout = order.get("checkoutId").asText();
            system.stripe.discount(checkout, 300);
            ObjectNode paid = system.stripe.markPaid(checkout);
            assertEquals(699, paid.get("amount_total").asLong());
            deliver(system, StripeWebhooks.checkoutSessionCompleted(paid));
            assertCredits("500", system.balance(buyer));
            assertEquals("completed", status(system, buyer, order));
        }
    }

    @Test
    void aFullDiscountNeedingNoPaymentGrantsTheProductsCredits() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            JsonNode order = order(system, buyer, "{\"productId\":\"pack\"}").json();
            String checkout = order.get("checkoutId").asText();
            system.stripe.discount(checkout, 999);
            ObjectNode free = system.stripe.markPaid(checkout);
            assertEquals("no_payment_required", free.get("payment_status").asText());
            deliver(system, StripeWebhooks.checkoutSessionCompleted(free));
            assertCredits("500", system.balance(buyer));
            assertEquals("completed", status(system, buyer, order));
        }
    }

    @Test
    void aDiscountTheBreakdownDoesNotExplainIsAMismatch() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            JsonNode order = order(system, buyer, "{\"productId\":\"pack\"}").json();
            String checkout = order.get("checkoutId").asText();
            system.stripe.discount(checkout, 300);
            ObjectNode paid = system.stripe.markPaid(checkout);
            paid.put("amount_total", 1); // a discount of 300 does not make 9.99 into 0.01
            deliver(system, StripeWebhooks.checkoutSessionCompleted(paid));
            ObjectNode smallerSubtotal = system.stripe.session(checkout);
            smallerSubtotal.put("amount_subtotal", 699);
            smallerSubtotal.put("amount_total", 399);
            deliver(system, StripeWebhooks.checkoutSessionCompleted(smallerSubtotal));
            assertCredits("0", system.balance(buyer));
            assertEquals("pending", status(system, buyer, order));
        }
    }

    @Test
    void aDiscountOnAProductWithoutPromotionCodesIsStillAMismatch() {
        try (PaymentSystem system = new PaymentSystem("stripe", CATALOG)) {
            String buyer = user();
            JsonNode order = order(system, buyer, "{\"productId\":\"plain\"}").json();
            assertEquals(null, lastSession(system).param("allow_promotion_codes"));
            String checkout = order.get("checkoutId").asText();
            system.stripe.discount(checkout, 100);
            ObjectNode paid = system.stripe.markPaid(checkout);
            assertEquals(399, paid.get("amount_total").asLong());
            deliver(system, StripeWebhooks.checkoutSessionCompleted(paid));
            assertCredits("0", system.balance(buyer));
            assertEquals("pending", status(system, buyer, order));
        }
    }

    @Test
    void creemRefusesANonCardChoiceAndTheMockAcceptsIt() {
        try (PaymentSystem creem = new PaymentSystem("creem", CATALOG)) {
            Reply refused = order(creem, user(), "{\"productId\":\"pack\",\"paymentMethod\":\"alipay\"}");
            assertEquals(400, refused.status(), refused.body());
            assertEquals("unsupported_payment_method", refused.json().get("error").asText());
            Reply card = order(creem, user(), "{\"productId\":\"pack\",\"paymentMethod\":\"card\"}");
            assertEquals(201, card.status(), card.body());
            Reply any = order(creem, user(), "{\"productId\":\"pack\"}");
            assertEquals(201, any.status(), any.body());
        }
        try (PaymentSystem mock = new PaymentSystem("mock", CATALOG)) {
            String buyer = user();
            Reply created = order(mock, buyer, "{\"productId\":\"pack\",\"paymentMethod\":\"crypto\"}");
            assertEquals(201, created.status(), created.body());
            assertEquals("crypto", mock.call("GET", "/api/payment/orders/" + created.json().get("orderId").asText(),
                    "user:" + buyer, null, Map.of()).json().get("paymentMethod").asText());
        }
    }
}
