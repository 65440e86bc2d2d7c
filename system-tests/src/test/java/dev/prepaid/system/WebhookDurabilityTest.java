package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.LogCapture;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What happens to an acknowledged webhook when the queue fails, and what the logs of a purchase hold. */
class WebhookDurabilityTest {

    @Test
    void whenTheQueueRefusesTheWebhookAnswers503AndTheProvidersRetryIsNotSwallowed() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String alice = "alice-" + System.nanoTime();
            JsonNode order = system.createOrder(alice, "trial", null).json();
            ObjectNode session = system.payQuietly(order).deepCopy();
            String payload = StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(session));
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = StripeWebhooks.headers(payload, PaymentSystem.STRIPE_WEBHOOK_SECRET);

            String queueName = system.queueUrl.substring(system.queueUrl.lastIndexOf('/') + 1);
            system.sqs.deleteQueue(b -> b.queueUrl(system.queueUrl));
            Reply refused = system.webhook("/api/payment/webhook/stripe", body, headers);
            assertEquals(503, refused.status(), refused.body());
            assertEquals("temporarily_unavailable", refused.json().get("error").asText());
            assertEquals("5", refused.header("retry-after"));

            // The queue is back (same name, same URL); Stripe retries the very same delivery.
            system.sqs.createQueue(b -> b.queueName(queueName));
            Reply retried = system.webhook("/api/payment/webhook/stripe", body, headers);
            assertEquals(200, retried.status(), retried.body());
            assertEquals(1, retried.json().get("queued").asInt(), "the retry was queued, not taken for a duplicate");
            Reply duplicate = system.webhook("/api/payment/webhook/stripe", body, headers);
            assertTrue(duplicate.json().get("duplicate").asBoolean());
            system.drain();
            assertEquals(0, new BigDecimal("100").compareTo(system.balance(alice)));
        }
    }

    @Test
    void aWholePurchaseLogsNoSecretTokenOrEmail() {
        String logs;
        try (PaymentSystem system = new PaymentSystem("stripe"); LogCapture capture = new LogCapture()) {
            String buyer = "buyer-" + System.nanoTime();
            JsonNode order = system.createOrder(buyer, "basic", "key-1").json();
            ObjectNode session = system.payQuietly(order).deepCopy();
            session.putObject("customer_details").put("email", "jenny.rosen@example.com").put("name", "Jenny Rosen");
            session.put("customer_email", "jenny.rosen@example.com");
            system.stripeEvent(StripeWebhooks.checkoutSessionCompleted(session));
            system.webhook("/api/payment/webhook/stripe", "{\"forged\": true}".getBytes(StandardCharsets.UTF_8),
                    Map.of("stripe-signature", "t=1,v1=deadbeef"));
            system.call("GET", "/api/payment/callback?orderId=" + order.get("orderId").asText(), null, null, Map.of());
            system.stripe.outage(500);
            system.createOrder(buyer, "pro", null);
            system.stripe.recover();
            system.drain();
            logs = capture.text();
        }
        assertTrue(logs.contains("webhook stripe"), "the webhook was logged: " + logs.length());
        for (String secret : new String[] {PaymentSystem.STRIPE_WEBHOOK_SECRET, "sk_test_system_tests_key_0000",
                "whsec_", "Bearer ", "user:", "jenny.rosen"}) {
            assertFalse(logs.contains(secret), "the logs contain " + secret);
        }
        assertFalse(Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}").matcher(logs).find(),
                "an e-mail address reached the logs");
    }
}
