package dev.prepaid.testing.creem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhooks Creem sends, built from a {@link FakeCreem} checkout (or subscription), and Creem's
 * signature: {@code creem-signature} = lower-case hex HMAC-SHA256(secret, raw body).
 */
public final class CreemWebhooks {

    /** One webhook delivery: the envelope's id and eventType, and the exact bytes Creem would POST. */
    public record Webhook(String eventId, String eventType, byte[] body) {
        /** The headers of a delivery signed with {@code secret} (names lower-case, as the adapter expects). */
        public Map<String, String> headers(String secret) {
            return Map.of("creem-signature", sign(body, secret), "content-type", "application/json");
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The same delivery with a different body (e.g. tampered), keeping id and type. */
        public Webhook withBody(byte[] other) {
            return new Webhook(eventId, eventType, other);
        }
    }

    private CreemWebhooks() {
    }

    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"id": "evt_...", "eventType", "created_at", "object"}} around any object. */
    public static Webhook envelope(String eventType, JsonNode object) {
        ObjectNode envelope = Json.object();
        String id = FakeCreem.id("evt_");
        envelope.put("id", id);
        envelope.put("eventType", eventType);
        envelope.put("created_at", Instant.now().toEpochMilli());
        envelope.set("object", object == null ? null : object.deepCopy());
        return new Webhook(id, eventType, Json.write(envelope).getBytes(StandardCharsets.UTF_8));
    }

    /** checkout.completed for a paid checkout ({@link FakeCreem#markPaid}). */
    public static Webhook checkoutCompleted(JsonNode checkout) {
        requirePaid(checkout);
        return envelope("checkout.completed", checkout);
    }

    /** subscription.paid for the first period of a paid subscription checkout: its transaction is the checkout's. */
    public static Webhook subscriptionPaid(JsonNode checkout) {
        requirePaid(checkout);
        JsonNode subscription = checkout.path("subscription");
        if (!subscription.isObject()) {
            throw new IllegalArgumentException("the checkout is not for a subscription");
        }
        return envelope("subscription.paid", subscription);
    }

    /** subscription.paid for a renewal: a new transaction and the new period end. */
    public static Webhook subscriptionPaid(JsonNode checkout, String transactionId, Instant periodEnd) {
        requirePaid(checkout);
        ObjectNode subscription = checkout.path("subscription").deepCopy();
        subscription.put("last_transaction_id", transactionId);
        subscription.put("last_transaction_date", FakeCreem.TIMESTAMP.format(Instant.now()));
        subscription.put("current_period_end_date", FakeCreem.TIMESTAMP.format(periodEnd));
        subscription.put("next_transaction_date", FakeCreem.TIMESTAMP.format(periodEnd));
        return envelope("subscription.paid", subscription);
    }

    /** A subscription lifecycle event (subscription.canceled, .expired, .update, .active, ...) for a subscription object. */
    public static Webhook subscriptionEvent(String eventType, JsonNode subscription) {
        return envelope(eventType, subscription);
    }

    /** refund.created for {@code amount} (minor units) of the checkout's payment. */
    public static Webhook refundCreated(JsonNode checkout, long amount) {
        requirePaid(checkout);
        JsonNode order = checkout.path("order");
        ObjectNode refund = Json.object();
        refund.put("id", FakeCreem.id("ref_"));
        refund.put("object", "refund");
        refund.put("status", "succeeded");
        refund.put("refund_amount", amount);
        refund.put("refund_currency", order.path("currency").asText());
        refund.put("reason", "requested_by_customer");
        refund.set("transaction", transaction(order));
        ObjectNode checkoutRef = refund.putObject("checkout");
        checkoutRef.put("id", checkout.path("id").asText());
        ObjectNode orderRef = refund.putObject("order");
        orderRef.put("id", order.path("id").asText());
        if (checkout.path("subscription").isObject()) {
            refund.put("subscription", checkout.path("subscription").path("id").asText());
        }
        refund.set("customer", checkout.path("customer").deepCopy());
        refund.put("mode", "test");
        refund.put("created_at", Instant.now().toEpochMilli());
        return envelope("refund.created", refund);
    }

    /** dispute.created for the checkout's whole payment. */
    public static Webhook disputeCreated(JsonNode checkout) {
        requirePaid(checkout);
        JsonNode order = checkout.path("order");
        ObjectNode dispute = Json.object();
        dispute.put("id", FakeCreem.id("disp_"));
        dispute.put("object", "dispute");
        dispute.put("amount", order.path("amount").asLong());
        dispute.put("currency", order.path("currency").asText());
        dispute.set("transaction", transaction(order));
        ObjectNode checkoutRef = dispute.putObject("checkout");
        checkoutRef.put("id", checkout.path("id").asText());
        ObjectNode orderRef = dispute.putObject("order");
        orderRef.put("id", order.path("id").asText());
        dispute.set("customer", checkout.path("customer").deepCopy());
        dispute.put("mode", "test");
        dispute.put("created_at", Instant.now().toEpochMilli());
        return envelope("dispute.created", dispute);
    }

    private static ObjectNode transaction(JsonNode order) {
        ObjectNode transaction = Json.object();
        transaction.put("id", order.path("transaction").asText());
        transaction.put("object", "transaction");
        transaction.put("amount", order.path("amount").asLong());
        transaction.put("amount_paid", order.path("amount").asLong());
        transaction.put("currency", order.path("currency").asText());
        transaction.put("type", "payment");
        transaction.put("status", "paid");
        transaction.put("order", order.path("id").asText());
        return transaction;
    }

    private static void requirePaid(JsonNode checkout) {
        Objects.requireNonNull(checkout, "checkout");
        if (!checkout.path("order").isObject()) {
            throw new IllegalArgumentException("the checkout is not paid: call FakeCreem.markPaid first");
        }
    }
}
