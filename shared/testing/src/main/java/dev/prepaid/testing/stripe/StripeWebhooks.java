package dev.prepaid.testing.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe webhook deliveries for tests: envelopes built from the Stripe fixtures ({@link StripeFixtures})
 * with the ids and amounts of a real test order substituted, and the real {@code Stripe-Signature}
 * algorithm ({@code t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<payload>")>}).
 *
 * <pre>{@code
 * ObjectNode event = StripeWebhooks.checkoutSessionCompleted(fake.markPaid(sessionId));
 * String body = StripeWebhooks.json(event);
 * provider.parseWebhook(StripeWebhooks.headers(body, "whsec_test"), body.getBytes(UTF_8));
 * }</pre>
 */
public final class StripeWebhooks {
    public static final String API_VERSION = "2020-03-02";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    /** One refund of a charge: its id and amount in minor units. */
    public record Refund(String id, long amount) {
    }

    private StripeWebhooks() {
    }

    // --- signing ------------------------------------------------------------------------------------

    /** The Stripe-Signature header value for this payload, secret and signing time. */
    public static String signature(String payload, String secret, long epochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Request headers (lower-case names) of a delivery signed now. */
    public static Map<String, String> headers(String payload, String secret) {
        return headers(payload, secret, Instant.now().getEpochSecond());
    }

    /** Request headers (lower-case names) of a delivery signed at {@code epochSeconds}. */
    public static Map<String, String> headers(String payload, String secret, long epochSeconds) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json; charset=utf-8");
        headers.put("user-agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        headers.put("stripe-signature", signature(payload, secret, epochSeconds));
        return headers;
    }

    public static String json(ObjectNode node) {
        try {
            return StripeFixtures.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- envelopes ----------------------------------------------------------------------------------

    /** An event envelope (api_version 2020-03-02) around {@code dataObject}, with a fresh evt_ id. */
    public static ObjectNode event(String type, ObjectNode dataObject) {
        ObjectNode event = StripeFixtures.MAPPER.createObjectNode();
        event.put("id", id("evt_"));
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", Instant.now().getEpochSecond());
        ObjectNode data = event.putObject("data");
        data.set("object", dataObject);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        ObjectNode request = event.putObject("request");
        request.putNull("id");
        request.putNull("idempotency_key");
        event.put("type", type);
        return event;
    }

    /** checkout.session.completed around a session as the API returns it (for example FakeStripe.markPaid). */
    public static ObjectNode checkoutSessionCompleted(ObjectNode session) {
        return event("checkout.session.completed", session.deepCopy());
    }

    /** A paid one-time checkout (mode payment) for an order, from the fixture envelope. */
    public static ObjectNode checkoutSessionCompleted(String sessionId, String orderId, String paymentIntentId,
                                                      long amountTotal, String currency) {
        ObjectNode session = base("checkout_session_completed");
        session.put("id", sessionId);
        session.put("object", "checkout.session");
        session.put("mode", "payment");
        session.put("client_reference_id", orderId);
        session.putObject("metadata").put("orderId", orderId);
        session.put("payment_intent", paymentIntentId);
        session.put("amount_subtotal", amountTotal);
        session.put("amount_total", amountTotal);
        session.put("currency", currency);
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("livemode", false);
        session.putNull("subscription");
        session.putNull("invoice");
        session.putNull("customer");
        return event("checkout.session.completed", session);
    }

    /**
     * An invoice object of a subscription period (2020-03-02 shape from the invoice.paid fixture), with
     * {@code subscriptionMetadata} where Stripe carries the subscription's metadata: subscription_details
     * and the subscription line.
     */
    public static ObjectNode invoiceObject(String invoiceId, String subscriptionId, String customerId,
                                           String paymentIntentId, long amountPaid, String currency,
                                           long periodEndEpochSeconds, Map<String, String> subscriptionMetadata) {
        ObjectNode invoice = base("invoice_paid");
        invoice.put("id", invoiceId);
        invoice.put("object", "invoice");
        invoice.put("subscription", subscriptionId);
        invoice.put("customer", customerId);
        invoice.put("payment_intent", paymentIntentId);
        invoice.putNull("charge");
        invoice.put("amount_due", amountPaid);
        invoice.put("amount_paid", amountPaid);
        invoice.put("amount_remaining", 0);
        invoice.put("subtotal", amountPaid);
        invoice.put("total", amountPaid);
        invoice.put("currency", currency);
        invoice.put("paid", true);
        invoice.put("status", "paid");
        invoice.put("livemode", false);
        invoice.put("billing_reason", "subscription_cycle");
        long periodStart = periodEndEpochSeconds - 30L * 24 * 3600;
        // the invoice's own period is the one before; the line's period is the one paid for
        invoice.put("period_end", periodStart);
        invoice.put("period_start", periodStart - 30L * 24 * 3600);
        ObjectNode metadata = StripeFixtures.MAPPER.createObjectNode();
        if (subscriptionMetadata != null) {
            subscriptionMetadata.forEach(metadata::put);
        }
        invoice.putObject("subscription_details").set("metadata", metadata.deepCopy());
        ObjectNode lines = invoice.has("lines") && invoice.get("lines").isObject()
                ? (ObjectNode) invoice.get("lines") : invoice.putObject("lines");
        lines.put("object", "list");
        ArrayNode data = lines.has("data") && lines.get("data").isArray()
                ? (ArrayNode) lines.get("data") : lines.putArray("data");
        ObjectNode line = data.size() > 0 && data.get(0).isObject() ? (ObjectNode) data.get(0) : data.addObject();
        while (data.size() > 1) {
            data.remove(1);
        }
        line.put("id", id("il_"));
        line.put("object", "line_item");
        line.put("amount", amountPaid);
        line.put("currency", currency);
        line.put("subscription", subscriptionId);
        line.put("type", "subscription");
        line.put("proration", false);
        // The fixture's price is not one of any test's catalog: a line names a price only through linePrice.
        line.remove("price");
        line.remove("plan");
        line.remove("pricing");
        line.set("metadata", metadata.deepCopy());
        ObjectNode period = line.putObject("period");
        period.put("start", periodStart);
        period.put("end", periodEndEpochSeconds);
        lines.put("has_more", false);
        lines.put("total_count", 1);
        lines.put("url", "/v1/invoices/" + invoiceId + "/lines");
        return invoice;
    }

    /**
     * Names the price the invoice's subscription line charges, in the shape of API 2020-03-02 ({@code price}
     * and {@code plan} objects) or, with {@code basil}, of 2025-03-31 and later
     * ({@code pricing.price_details.price}). Returns the invoice.
     */
    public static ObjectNode linePrice(ObjectNode invoice, String priceId, boolean basil) {
        ObjectNode line = (ObjectNode) invoice.path("lines").path("data").path(0);
        line.remove("price");
        line.remove("plan");
        line.remove("pricing");
        if (basil) {
            line.putObject("pricing").put("type", "price_details").putObject("price_details").put("price", priceId);
        } else {
            line.putObject("price").put("id", priceId).put("object", "price");
            line.putObject("plan").put("id", priceId).put("object", "plan");
        }
        return invoice;
    }

    /**
     * Moves the invoice to the shape of API 2025-03-31 (basil): the subscription id under
     * parent.subscription_details, no top-level subscription or subscription_details. Returns the invoice.
     */
    public static ObjectNode basilInvoice(ObjectNode invoice) {
        String subscriptionId = invoice.path("subscription").asText();
        ObjectNode details = invoice.putObject("parent").put("type", "subscription_details")
                .putObject("subscription_details");
        details.put("subscription", subscriptionId);
        details.set("metadata", invoice.path("subscription_details").path("metadata").deepCopy());
        invoice.remove("subscription");
        invoice.remove("subscription_details");
        return invoice;
    }

    /** invoice.paid for one subscription period. */
    public static ObjectNode invoicePaid(String invoiceId, String subscriptionId, String customerId,
                                         String paymentIntentId, long amountPaid, String currency,
                                         long periodEndEpochSeconds, Map<String, String> subscriptionMetadata) {
        return event("invoice.paid", invoiceObject(invoiceId, subscriptionId, customerId, paymentIntentId, amountPaid,
                currency, periodEndEpochSeconds, subscriptionMetadata));
    }

    /** charge.refunded on a charge carrying its refunds list (as API versions before 2022-11-15 send it). */
    public static ObjectNode chargeRefunded(String chargeId, String paymentIntentId, long chargeAmount,
                                            String currency, Refund... refunds) {
        ObjectNode charge = base("charge_refunded");
        charge.put("id", chargeId);
        charge.put("object", "charge");
        charge.put("payment_intent", paymentIntentId);
        charge.put("amount", chargeAmount);
        charge.put("amount_captured", chargeAmount);
        charge.put("currency", currency);
        charge.put("livemode", false);
        long refunded = 0;
        ObjectNode list = charge.putObject("refunds");
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (Refund refund : refunds) {
            data.add(refundObject(refund.id(), chargeId, paymentIntentId, refund.amount(), currency));
            refunded += refund.amount();
        }
        list.put("has_more", false);
        list.put("total_count", refunds.length);
        list.put("url", "/v1/charges/" + chargeId + "/refunds");
        charge.put("amount_refunded", refunded);
        charge.put("refunded", refunded >= chargeAmount);
        return event("charge.refunded", charge);
    }

    /** A succeeded refund object (from the fixtures' refund resource). */
    public static ObjectNode refundObject(String refundId, String chargeId, String paymentIntentId, long amount,
                                          String currency) {
        ObjectNode refund = StripeFixtures.object("refund");
        refund.put("id", refundId);
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("charge", chargeId);
        refund.put("payment_intent", paymentIntentId);
        refund.put("currency", currency);
        refund.put("status", "succeeded");
        refund.put("created", Instant.now().getEpochSecond());
        return refund;
    }

    /** refund.created for one succeeded refund. */
    public static ObjectNode refundCreated(String refundId, String chargeId, String paymentIntentId, long amount,
                                           String currency) {
        return event("refund.created", refundObject(refundId, chargeId, paymentIntentId, amount, currency));
    }

    /**
     * A refund that failed after it was created: {@code charge.refund.updated} (or {@code refund.failed} /
     * {@code refund.updated}, per API version) with the refund's status {@code failed}.
     */
    public static ObjectNode refundFailed(String type, String refundId, String chargeId, String paymentIntentId,
                                          long amount, String currency) {
        ObjectNode refund = refundObject(refundId, chargeId, paymentIntentId, amount, currency);
        refund.put("status", "failed");
        refund.put("failure_reason", "expired_or_canceled_card");
        return event(type, refund);
    }

    /** charge.dispute.created (status needs_response: a chargeback, the amount is withdrawn). */
    public static ObjectNode disputeCreated(String disputeId, String chargeId, String paymentIntentId, long amount,
                                            String currency) {
        return event("charge.dispute.created", disputeObject(disputeId, chargeId, paymentIntentId, amount, currency,
                "needs_response"));
    }

    /** charge.dispute.closed with {@code status} won or lost (or warning_closed for an inquiry). */
    public static ObjectNode disputeClosed(String disputeId, String chargeId, String paymentIntentId, long amount,
                                           String currency, String status) {
        return event("charge.dispute.closed", disputeObject(disputeId, chargeId, paymentIntentId, amount, currency,
                status));
    }

    public static ObjectNode disputeObject(String disputeId, String chargeId, String paymentIntentId, long amount,
                                           String currency, String status) {
        ObjectNode dispute = base("charge_dispute_created");
        dispute.put("id", disputeId);
        dispute.put("object", "dispute");
        dispute.put("amount", amount);
        dispute.put("charge", chargeId);
        dispute.put("payment_intent", paymentIntentId);
        dispute.put("currency", currency);
        dispute.put("status", status);
        dispute.put("livemode", false);
        return dispute;
    }

    /**
     * customer.subscription.updated or .deleted, with current_period_end on the subscription (as before
     * API 2025-03-31) and on its first item (as after).
     */
    public static ObjectNode subscriptionEvent(String type, String subscriptionId, String customerId, String status,
                                               long currentPeriodEnd, boolean cancelAtPeriodEnd) {
        ObjectNode subscription = subscriptionObject(subscriptionId, customerId, status, currentPeriodEnd,
                cancelAtPeriodEnd, Map.of());
        subscription.put("current_period_end", currentPeriodEnd);
        subscription.put("current_period_start", currentPeriodEnd - 30L * 24 * 3600);
        return event(type, subscription);
    }

    /** A subscription object (fixtures' shape: the period lives on items.data[0]). */
    public static ObjectNode subscriptionObject(String subscriptionId, String customerId, String status,
                                                long currentPeriodEnd, boolean cancelAtPeriodEnd,
                                                Map<String, String> metadata) {
        ObjectNode subscription = StripeFixtures.object("subscription");
        subscription.put("id", subscriptionId);
        subscription.put("object", "subscription");
        subscription.put("customer", customerId);
        subscription.put("status", status);
        subscription.put("cancel_at_period_end", cancelAtPeriodEnd);
        subscription.putNull("cancel_at");
        subscription.putNull("canceled_at");
        subscription.putNull("ended_at");
        subscription.putNull("pending_update");
        subscription.put("livemode", false);
        ObjectNode meta = subscription.putObject("metadata");
        if (metadata != null) {
            metadata.forEach(meta::put);
        }
        ObjectNode items = subscription.has("items") && subscription.get("items").isObject()
                ? (ObjectNode) subscription.get("items") : subscription.putObject("items");
        items.put("object", "list");
        ArrayNode data = items.has("data") && items.get("data").isArray()
                ? (ArrayNode) items.get("data") : items.putArray("data");
        ObjectNode item = data.size() > 0 && data.get(0).isObject() ? (ObjectNode) data.get(0) : data.addObject();
        item.put("object", "subscription_item");
        item.put("subscription", subscriptionId);
        item.put("current_period_end", currentPeriodEnd);
        item.put("current_period_start", currentPeriodEnd - 30L * 24 * 3600);
        items.put("url", "/v1/subscription_items?subscription=" + subscriptionId);
        return subscription;
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** A fresh id with Stripe's look: prefix plus 24 letters and digits. */
    public static String id(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)]);
        }
        return id.toString();
    }

    /** data.object of a fixture envelope, as a fresh copy. */
    private static ObjectNode base(String eventFile) {
        return (ObjectNode) StripeFixtures.event(eventFile).path("data").path("object").deepCopy();
    }
}
