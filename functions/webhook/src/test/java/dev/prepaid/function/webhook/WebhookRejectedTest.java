package dev.prepaid.function.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.application.WebhookIntake;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.WebhookInbox;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every refused webhook is counted as WebhookRejected, by reason, in Embedded Metric Format. */
class WebhookRejectedTest {
    private static final String GOOD = "good-signature";

    /** Accepts a body only with the good signature header. */
    private static final PaymentProvider PROVIDER = new PaymentProvider() {
        public String name() {
            return "fake";
        }

        public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
            throw new UnsupportedOperationException();
        }

        public CheckoutState fetchCheckout(String checkoutId) {
            throw new UnsupportedOperationException();
        }

        public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
            if (!GOOD.equals(headers.get("fake-signature"))) {
                throw new InvalidSignatureException("signature does not verify");
            }
            return List.of(new PaymentEvent.Ignored("fake", "evt_1", "customer.created"));
        }

        public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
            throw new UnsupportedOperationException();
        }

        public void changePlan(Subscription subscription, dev.prepaid.domain.payment.Product target) {
            throw new UnsupportedOperationException();
        }

        public String billingPortalUrl(Subscription subscription, String returnUrl) {
            throw new UnsupportedOperationException();
        }
    };

    private static final WebhookInbox INBOX = new WebhookInbox() {
        public Claim claim(String provider, String eventId, String type) {
            return Claim.CLAIMED;
        }

        public void accepted(String provider, String eventId) {
        }

        public void release(String provider, String eventId) {
        }
    };

    private final List<String> emf = new ArrayList<>();
    private final WebhookHandler handler = new WebhookHandler(
            new WebhookIntake(Map.of("fake", PROVIDER), INBOX, event -> { }), "fake", emf::add);

    private APIGatewayV2HTTPResponse post(String path, String signature, String body) {
        Events.Builder request = Events.request("POST", path).body(body);
        if (signature != null) {
            request.header("fake-signature", signature);
        }
        return handler.handleRequest(request.build(), new TestContext("webhook"));
    }

    private JsonNode only() throws Exception {
        assertEquals(1, emf.size(), emf.toString());
        return Json.MAPPER.readTree(emf.get(0));
    }

    @Test
    void anInvalidSignatureIsCountedWithItsReason() throws Exception {
        APIGatewayV2HTTPResponse response = post("/api/payment/webhook/fake", "forged", "{}");

        assertEquals(400, response.getStatusCode(), response.getBody());
        JsonNode line = only();
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("prepaid", directive.path("Namespace").asText());
        assertEquals("[[\"Service\",\"Reason\"]]", directive.path("Dimensions").toString());
        assertEquals("WebhookRejected", directive.path("Metrics").get(0).path("Name").asText());
        assertEquals("Count", directive.path("Metrics").get(0).path("Unit").asText());
        assertEquals("prepaid", line.path("Service").asText());
        assertEquals("invalid_signature", line.path("Reason").asText());
        assertEquals(1, line.path("WebhookRejected").asInt());
        assertTrue(line.path("_aws").path("Timestamp").isIntegralNumber());
    }

    @Test
    void anUnknownProviderAndAnOversizedBodyAreCountedToo() throws Exception {
        assertEquals(404, post("/api/payment/webhook/paypal", GOOD, "{}").getStatusCode());
        assertEquals("unknown_provider", only().path("Reason").asText());
        emf.clear();

        String big = "x".repeat(WebhookHandler.MAX_WEBHOOK_BYTES + 1);
        assertEquals(413, post("/api/payment/webhook/fake", GOOD, big).getStatusCode());
        assertEquals("payload_too_large", only().path("Reason").asText());
    }

    @Test
    void anAcceptedWebhookIsNotCounted() {
        APIGatewayV2HTTPResponse response = post("/api/payment/callback", GOOD, "{}");

        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(List.of(), emf);
    }
}
