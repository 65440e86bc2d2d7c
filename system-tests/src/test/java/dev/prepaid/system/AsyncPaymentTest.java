package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Stripe's asynchronous payment methods (bank debits, some wallets): the checkout completes unpaid, and the
 * money's outcome comes later as {@code checkout.session.async_payment_succeeded} or {@code ..._failed}. Signed
 * events through the webhook, the queue and the fulfilment function: the unpaid completion grants nothing, the
 * success grants exactly once through the same fulfilment operation as a paid completion (ledger key
 * {@code purchase#<orderId>}), the failure closes the order as failed, and replays change nothing.
 */
class AsyncPaymentTest {

    private static String user() {
        return "async-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertCredits(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " credits, was " + actual);
    }

    private static String status(PaymentSystem system, String user, JsonNode order) {
        return system.call("GET", "/api/payment/orders/" + order.get("orderId").asText(), "user:" + user, null, Map.of())
                .json().get("status").asText();
    }

    private static int purchases(PaymentSystem system, String user) {
        return system.call("GET", "/api/credits/transactions?type=purchase", "user:" + user, null, Map.of())
                .json().get("items").size();
    }

    /** Delivers a signed event and says whether the webhook queued it for fulfilment. */
    private static boolean deliver(PaymentSystem system, ObjectNode event) {
        Reply reply = system.stripeEvent(event);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("queued").asBoolean();
    }

    /** Delivers a signed event again: acknowledged as a duplicate, not queued. */
    private static void redeliver(PaymentSystem system, ObjectNode event) {
        Reply reply = system.stripeEvent(event);
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.json().get("duplicate").asBoolean(), reply.body());
        assertFalse(reply.json().get("queued").asBoolean(), reply.body());
    }

    private static String callbackLocation(PaymentSystem system, JsonNode order) {
        Reply callback = system.call("GET", "/api/payment/callback?orderId=" + order.get("orderId").asText()
                + "&session_id=" + order.get("checkoutId").asText(), null, null, Map.of());
        assertEquals(302, callback.status(), callback.body());
        return callback.header("location");
    }

    @Test
    void theUnpaidCompletionGrantsNothingAndTheAsyncSuccessGrantsExactlyOnce() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = user();
            JsonNode order = system.createOrder(alice, "trial", null).json();
            String checkoutId = order.get("checkoutId").asText();

            ObjectNode processing = system.stripe.markProcessing(checkoutId);
            assertFalse(deliver(system, StripeWebhooks.checkoutSessionCompleted(processing)),
                    "completed but unpaid: acknowledged, nothing to fulfil");
            system.drain();
            assertCredits("0", system.balance(alice));
            assertEquals("pending", status(system, alice, order), "completed but unpaid: the money has not arrived");
            assertEquals(0, purchases(system, alice));
            assertTrue(callbackLocation(system, order).endsWith("status=pending"), "the browser is told to wait");
            system.drain();
            assertCredits("0", system.balance(alice));

            ObjectNode paid = system.stripe.markPaid(checkoutId);
            ObjectNode succeeded = StripeWebhooks.event("checkout.session.async_payment_succeeded", paid);
            assertTrue(deliver(system, succeeded));
            system.drain();
            assertCredits("100", system.balance(alice));
            assertEquals("completed", status(system, alice, order));

            // Stripe retries the same event (same id, signed again): acknowledged, not queued again
            redeliver(system, succeeded.deepCopy());
            // a late paid completion of the same session, and the browser's return: the same ledger key, replays
            assertTrue(deliver(system, StripeWebhooks.checkoutSessionCompleted(paid)));
            assertTrue(callbackLocation(system, order).endsWith("status=completed"));
            system.drain();
            assertCredits("100", system.balance(alice));
            assertEquals(1, purchases(system, alice));
            JsonNode entry = system.call("GET", "/api/credits/transactions?type=purchase", "user:" + alice, null, Map.of())
                    .json().get("items").get(0);
            assertEquals("purchase#" + order.get("orderId").asText(), entry.get("entryId").asText(), entry.toString());

            // a stale failure after the money arrived never closes the completed order
            ObjectNode staleFailure = processing.deepCopy();
            assertTrue(deliver(system, StripeWebhooks.event("checkout.session.async_payment_failed", staleFailure)));
            system.drain();
            assertEquals("completed", status(system, alice, order));
            assertCredits("100", system.balance(alice));
        }
    }

    @Test
    void theAsyncFailureClosesTheOrderAsFailedOnce() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String bob = user();
            JsonNode order = system.createOrder(bob, "trial", null).json();
            ObjectNode processing = system.stripe.markProcessing(order.get("checkoutId").asText());
            assertFalse(deliver(system, StripeWebhooks.checkoutSessionCompleted(processing)));
            system.drain();
            assertEquals("pending", status(system, bob, order));

            ObjectNode failed = StripeWebhooks.event("checkout.session.async_payment_failed", processing);
            assertTrue(deliver(system, failed));
            system.drain();
            assertEquals("failed", status(system, bob, order));
            assertCredits("0", system.balance(bob));
            redeliver(system, failed.deepCopy());
            system.drain();
            assertEquals("failed", status(system, bob, order));
            assertEquals(0, purchases(system, bob));
            JsonNode failedOrders = system.call("GET", "/api/payment/orders?status=failed", "user:" + bob, null, Map.of()).json();
            assertEquals(1, failedOrders.get("items").size(), failedOrders.toString());
        }
    }

    @Test
    void anAsyncSuccessWithABadSignatureIsRefusedAndGrantsNothing() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String carol = user();
            JsonNode order = system.createOrder(carol, "trial", null).json();
            ObjectNode paid = system.stripe.markPaid(order.get("checkoutId").asText());
            String payload = StripeWebhooks.json(StripeWebhooks.event("checkout.session.async_payment_succeeded", paid));
            Reply forged = system.webhook("/api/payment/webhook/stripe", payload.getBytes(StandardCharsets.UTF_8),
                    StripeWebhooks.headers(payload, "whsec_not_the_endpoint_secret"));
            assertEquals(400, forged.status(), forged.body());
            assertEquals("invalid_signature", forged.json().get("error").asText());
            assertEquals(0, system.drain());
            assertCredits("0", system.balance(carol));
            assertEquals("pending", status(system, carol, order));
        }
    }
}
