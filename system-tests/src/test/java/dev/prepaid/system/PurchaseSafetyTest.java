package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.creem.CreemWebhooks;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Forged and stale webhooks, provider outages, other users, lying redirects and greedy clients. */
class PurchaseSafetyTest {

    private static String user() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertNothingHappened(PaymentSystem system, String before, Reply reply) {
        assertEquals(400, reply.status(), reply.body());
        assertEquals("invalid_signature", reply.json().get("error").asText());
        assertEquals(before, system.tableSnapshot(), "nothing stored");
        assertEquals(0, system.queueDepth(), "nothing queued");
    }

    @Test
    void forgedStaleAndAlteredStripeWebhooksAreRefusedAndChangeNothing() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = user();
            JsonNode order = system.createOrder(alice, "trial", null).json();
            ObjectNode session = system.payQuietly(order).deepCopy();
            String payload = StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(session));
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            String before = system.tableSnapshot();
            assertNothingHappened(system, before, system.webhook("/api/payment/webhook/stripe", body,
                    StripeWebhooks.headers(payload, "whsec_forged_by_someone_else")));
            assertNothingHappened(system, before, system.webhook("/api/payment/webhook/stripe", body,
                    StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET, Instant.now().getEpochSecond() - 301)));
            String altered = payload.replace("\"amount_total\":790", "\"amount_total\":1");
            assertFalse(altered.equals(payload), "the tamper must change the body");
            assertNothingHappened(system, before, system.webhook("/api/payment/webhook/stripe",
                    altered.getBytes(StandardCharsets.UTF_8), StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET)));
            assertNothingHappened(system, before, system.webhook("/api/payment/webhook/stripe", body, Map.of()));
            // The genuine one still works afterwards.
            assertEquals(200, system.webhook("/api/payment/webhook/stripe", body,
                    StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET)).status());
            system.drain();
            assertEquals(0, new BigDecimal("100").compareTo(system.balance(alice)));
        }
    }

    @Test
    void aCreemSignatureOverAChangedBodyIsRefusedAndChangesNothing() {
        try (PaymentSystem system = new PaymentSystem("creem")) {
            JsonNode order = system.createOrder(user(), "trial", null).json();
            CreemWebhooks.Webhook hook = CreemWebhooks.checkoutCompleted(system.payQuietly(order));
            String signature = CreemWebhooks.sign(hook.body(), PaymentSystem.CREEM_WEBHOOK_SECRET);
            byte[] changed = new String(hook.body(), StandardCharsets.UTF_8).replace("\"amount\":790", "\"amount\":1")
                    .getBytes(StandardCharsets.UTF_8);
            assertFalse(java.util.Arrays.equals(changed, hook.body()), "the tamper must change the body");
            String before = system.tableSnapshot();
            assertNothingHappened(system, before,
                    system.webhook("/api/payment/webhook/creem", changed, Map.of("creem-signature", signature)));
            assertNothingHappened(system, before, system.webhook("/api/payment/webhook/creem", hook.body(),
                    Map.of("creem-signature", CreemWebhooks.sign(hook.body(), "another-secret"))));
        }
    }

    @Test
    void anUnknownProviderIs404AndAnUnknownEventTypeIsAcknowledged() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            assertEquals(404, system.webhook("/api/payment/webhook/paypal", "{}".getBytes(StandardCharsets.UTF_8), Map.of()).status());
            String payload = StripeWebhooks.json(StripeWebhooks.event("customer.created", new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("id", "cus_1").put("object", "customer")));
            Reply reply = system.webhook("/api/payment/webhook/stripe", payload.getBytes(StandardCharsets.UTF_8),
                    StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET));
            assertEquals(200, reply.status(), reply.body());
            assertEquals(0, system.queueDepth());
        }
    }

    @Test
    void aProviderOutageLeavesTheOrderPendingAnswers502AndARetryOpensOneCheckout() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = user();
            system.stripe.outage(503);
            Reply failed = system.createOrder(alice, "trial", "buy-trial-1");
            assertEquals(502, failed.status(), failed.body());
            assertEquals("provider_unavailable", failed.json().get("error").asText());
            assertFalse(failed.body().contains("sk_test"), "no secret in the answer");
            system.stripe.recover();
            Reply retried = system.createOrder(alice, "trial", "buy-trial-1");
            assertEquals(201, retried.status(), retried.body());
            Reply again = system.createOrder(alice, "trial", "buy-trial-1");
            assertEquals(retried.json().get("orderId"), again.json().get("orderId"));
            assertEquals(retried.json().get("paymentUrl"), again.json().get("paymentUrl"));
            assertTrue(again.json().get("replayed").asBoolean());
            assertEquals(1, system.stripe.sessionsCreated(), "one checkout, however often the user retried");
            assertEquals("pending", system.call("GET", "/api/payment/orders/" + again.json().get("orderId").asText(),
                    "user:" + alice, null, Map.of()).json().get("status").asText());
        }
    }

    @Test
    void userBCannotSeeOrTouchUserAsOrdersOrSubscription() {
        try (PaymentSystem system = new PaymentSystem("mock")) {
            String alice = user();
            String bob = user();
            JsonNode order = system.createOrder(alice, "basic", null).json();
            system.payAndNotify(order);
            system.drain();
            String path = "/api/payment/orders/" + order.get("orderId").asText();
            assertEquals(200, system.call("GET", path, "user:" + alice, null, Map.of()).status());
            Reply stolen = system.call("GET", path, "user:" + bob, null, Map.of());
            assertEquals(404, stolen.status());
            assertEquals("order_not_found", stolen.json().get("error").asText());
            assertTrue(system.call("GET", "/api/payment/subscription", "user:" + bob, null, Map.of()).json()
                    .get("subscription").isNull());
            assertEquals(404, system.call("POST", "/api/payment/subscription/cancel", "user:" + bob, "{}", Map.of()).status());
            assertEquals(404, system.call("POST", "/api/payment/billing-portal", "user:" + bob,
                    "{\"returnUrl\": \"https://app.test/account\"}", Map.of()).status());
            assertEquals("active", system.call("GET", "/api/payment/subscription", "user:" + alice, null, Map.of()).json()
                    .get("subscription").get("status").asText());
            assertEquals(0, BigDecimal.ZERO.compareTo(system.balance(bob)));
            assertEquals(401, system.call("GET", path, null, null, Map.of()).status());
        }
    }

    @Test
    void aSubscriptionCanBeCancelledAtPeriodEndAndThePortalOnlyReturnsToTheApp() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = user();
            JsonNode order = system.createOrder(alice, "pro", null).json();
            system.payAndNotify(order);
            system.drain();
            Reply open = system.call("POST", "/api/payment/billing-portal", "user:" + alice,
                    "{\"returnUrl\": \"https://app.test/account\"}", Map.of());
            assertEquals(200, open.status(), open.body());
            assertNotNull(open.json().get("url").asText());
            Reply evil = system.call("POST", "/api/payment/billing-portal", "user:" + alice,
                    "{\"returnUrl\": \"https://evil.example/phish\"}", Map.of());
            assertEquals(400, evil.status());
            assertEquals("invalid_return_url", evil.json().get("error").asText());
            // No body: the default, cancel at the end of the paid period (as {"atPeriodEnd": true}).
            Reply cancelled = system.call("POST", "/api/payment/subscription/cancel", "user:" + alice, null, Map.of());
            assertEquals(200, cancelled.status(), cancelled.body());
            assertTrue(cancelled.json().get("subscription").get("cancelAtPeriodEnd").asBoolean());
            assertTrue(system.call("GET", "/api/payment/subscription", "user:" + alice, null, Map.of()).json()
                    .get("subscription").get("cancelAtPeriodEnd").asBoolean());
        }
    }

    @Test
    void aCallbackThatClaimsSuccessForAnUnpaidCheckoutGrantsNothing() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = user();
            JsonNode order = system.createOrder(alice, "trial", null).json();
            Reply lie = system.call("GET", "/api/payment/callback?orderId=" + order.get("orderId").asText()
                    + "&session_id=" + order.get("checkoutId").asText() + "&status=success&payment_status=paid", null, null, Map.of());
            assertEquals(302, lie.status());
            assertEquals(PaymentSystem.SUCCESS_URL + "?orderId=" + order.get("orderId").asText() + "&status=pending",
                    lie.header("location"));
            system.drain();
            assertEquals(0, BigDecimal.ZERO.compareTo(system.balance(alice)));
            Reply unknown = system.call("GET", "/api/payment/callback?orderId=ord_000000000000000000000000", null, null, Map.of());
            assertEquals(302, unknown.status());
            assertEquals(PaymentSystem.CANCEL_URL + "?error=unknown_order", unknown.header("location"));
            Reply garbage = system.call("GET", "/api/payment/callback?orderId=%3Cscript%3E", null, null, Map.of());
            assertEquals(302, garbage.status());
        }
    }

    @Test
    void theEleventhOrderInAMinuteIsRateLimited() {
        try (PaymentSystem system = new PaymentSystem("mock")) {
            String greedy = user();
            for (int i = 0; i < 10; i++) {
                assertEquals(201, system.createOrder(greedy, "trial", null).status());
            }
            Reply limited = system.createOrder(greedy, "trial", null);
            assertEquals(429, limited.status(), limited.body());
            assertEquals("rate_limited", limited.json().get("error").asText());
            long retryAfter = Long.parseLong(limited.header("retry-after"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertEquals(201, system.createOrder(user(), "trial", null).status(), "other users are not limited");
        }
    }

    @Test
    void badOrderRequestsAre4xxWithJsonErrors() {
        try (PaymentSystem system = new PaymentSystem("mock")) {
            String alice = user();
            assertEquals(404, system.createOrder(alice, "platinum", null).status());
            assertEquals(401, system.call("POST", "/api/payment/create-order", null, "{\"productId\": \"trial\"}", Map.of()).status());
            Reply noProduct = system.call("POST", "/api/payment/create-order", "user:" + alice, "{}", Map.of());
            assertEquals(400, noProduct.status());
            assertEquals("invalid_product_id", noProduct.json().get("error").asText());
            assertEquals(400, system.call("POST", "/api/payment/create-order", "user:" + alice, "{\"productId\": 3}", Map.of()).status());
            assertEquals(400, system.call("POST", "/api/payment/create-order", "user:" + alice, "not json", Map.of()).status());
            assertEquals(400, system.createOrder(alice, "trial", "has space").status());
            assertEquals(404, system.call("GET", "/api/payment/orders/not-an-order", "user:" + alice, null, Map.of()).status());
        }
    }
}
