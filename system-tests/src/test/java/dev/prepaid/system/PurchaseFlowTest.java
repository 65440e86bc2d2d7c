package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.system.PaymentSystem.Reply;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A user buys credits, and the credits land exactly once: for Stripe, Creem and the mock provider. */
class PurchaseFlowTest {

    private static void assertCredits(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " credits, was " + actual);
    }

    private static String user() {
        return "buyer-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void aPackIsCreditedOnceAndTheCallbackSaysSo(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String alice = user();
            Reply created = system.createOrder(alice, "trial", null);
            assertEquals(201, created.status(), created.body());
            JsonNode order = created.json();
            assertEquals("pending", order.get("status").asText());
            assertTrue(order.get("orderId").asText().startsWith("ord_"));
            assertTrue(order.get("paymentUrl").asText().startsWith("http"), order.toString());
            assertCredits("0", system.balance(alice));

            system.payAndNotify(order);
            assertCredits("0", system.balance(alice)); // acknowledged, not yet fulfilled: the consumer does that
            system.drain();
            assertCredits("100", system.balance(alice));

            Reply fetched = system.call("GET", "/api/payment/orders/" + order.get("orderId").asText(), "user:" + alice, null, Map.of());
            assertEquals("completed", fetched.json().get("status").asText());
            Reply callback = system.call("GET", "/api/payment/callback?orderId=" + order.get("orderId").asText()
                    + "&session_id=" + order.get("checkoutId").asText(), null, null, Map.of());
            assertEquals(302, callback.status());
            assertEquals(PaymentSystem.SUCCESS_URL + "?orderId=" + order.get("orderId").asText() + "&status=completed",
                    callback.header("location"));
            system.drain();
            assertCredits("100", system.balance(alice));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void aSubscriptionGrantsItsCreditsForTheFirstPeriodAndEveryRenewal(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String bob = user();
            JsonNode order = system.createOrder(bob, "basic", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            assertCredits("300", system.balance(bob));
            JsonNode subscription = system.call("GET", "/api/payment/subscription", "user:" + bob, null, Map.of())
                    .json().get("subscription");
            assertEquals("basic", subscription.get("productId").asText());
            assertEquals("active", subscription.get("status").asText());
            system.renew(checkout, order, bob, 2);
            system.drain();
            system.renew(checkout, order, bob, 3);
            system.drain();
            assertCredits("900", system.balance(bob));
            JsonNode grants = system.call("GET", "/api/credits/transactions?type=subscription_grant", "user:" + bob, null, Map.of())
                    .json().get("items");
            assertEquals(3, grants.size(), grants.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void aRefundAfterTheCreditsWereSpentLeavesADebtAndDeductsGet402(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String carol = user();
            JsonNode order = system.createOrder(carol, "trial", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            assertEquals(200, system.deduct(carol, "80").status());
            system.refundInFull(checkout, order);
            system.drain();
            assertCredits("-80", system.balance(carol));
            Reply refused = system.deduct(carol, "1");
            assertEquals(402, refused.status());
            assertEquals("insufficient_credits", refused.json().get("error").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem"})
    void theSameWebhookFiveTimesAtOnceIsCreditedOnce(String provider) throws Exception {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String dave = user();
            JsonNode order = system.createOrder(dave, "trial", null).json();
            JsonNode paid = system.payQuietly(order);
            byte[] body;
            Map<String, String> headers;
            String path;
            if (provider.equals("stripe")) {
                String payload = dev.prepaid.testing.stripe.StripeWebhooks.json(
                        dev.prepaid.testing.stripe.StripeWebhooks.checkoutSessionCompleted((com.fasterxml.jackson.databind.node.ObjectNode) paid));
                body = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                headers = dev.prepaid.testing.stripe.StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET);
                path = "/api/payment/webhook/stripe";
            } else {
                var hook = dev.prepaid.testing.creem.CreemWebhooks.checkoutCompleted(paid);
                body = hook.body();
                headers = Map.of("creem-signature", dev.prepaid.testing.creem.CreemWebhooks.sign(body, PaymentSystem.CREEM_WEBHOOK_SECRET));
                path = "/api/payment/webhook/creem";
            }
            ExecutorService pool = Executors.newFixedThreadPool(5);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    // As the provider does: a delivery that is not acknowledged is delivered again. One that meets
                    // another delivery's claim before that one queued the event is a 409 event_in_flight.
                    Reply reply = system.webhook(path, body, headers);
                    for (int attempt = 0; attempt < 50 && reply.status() == 409; attempt++) {
                        assertEquals("event_in_flight", reply.json().get("error").asText());
                        assertTrue(reply.header("retry-after") != null, "a 409 says when to retry");
                        Thread.sleep(20);
                        reply = system.webhook(path, body, headers);
                    }
                    return reply;
                }));
            }
            go.countDown();
            int queued = 0;
            for (Future<Reply> reply : replies) {
                Reply answer = reply.get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.status(), answer.body());
                queued += answer.json().get("queued").asInt() > 0 ? 1 : 0;
            }
            pool.shutdown();
            assertEquals(1, queued, "one delivery queued the event; the others were duplicates");
            system.drain();
            assertCredits("100", system.balance(dave));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem"})
    void theCallbackRacingTheWebhookCreditsOnce(String provider) throws Exception {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String erin = user();
            JsonNode order = system.createOrder(erin, "trial", null).json();
            JsonNode paid = system.payQuietly(order);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            Future<Reply> callback = pool.submit(() -> {
                go.await();
                return system.call("GET", "/api/payment/callback?orderId=" + order.get("orderId").asText(), null, null, Map.of());
            });
            Future<Reply> webhook = pool.submit(() -> {
                go.await();
                return provider.equals("stripe")
                        ? system.stripeEvent(dev.prepaid.testing.stripe.StripeWebhooks.checkoutSessionCompleted(
                                (com.fasterxml.jackson.databind.node.ObjectNode) paid))
                        : system.creemEvent(dev.prepaid.testing.creem.CreemWebhooks.checkoutCompleted(paid));
            });
            go.countDown();
            assertEquals(302, callback.get(30, TimeUnit.SECONDS).status());
            assertEquals(200, webhook.get(30, TimeUnit.SECONDS).status());
            pool.shutdown();
            system.drain();
            assertCredits("100", system.balance(erin));
            assertEquals(1, system.call("GET", "/api/credits/transactions?type=purchase", "user:" + erin, null, Map.of())
                    .json().get("items").size(), "exactly one purchase entry");
        }
    }
}
