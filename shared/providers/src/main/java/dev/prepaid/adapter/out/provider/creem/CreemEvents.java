package dev.prepaid.adapter.out.provider.creem;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.PaymentEvent;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creem's webhook signature and its objects (checkout, subscription, refund, dispute) in our words. Only
 * the fields we act on are read; everything else in Creem's payloads is ignored so additions never break us.
 */
final class CreemEvents {
    static final String PROVIDER = "creem";
    static final String SIGNATURE_HEADER = "creem-signature";

    /** Subscription lifecycle events that become {@link PaymentEvent.SubscriptionChanged} with the object's status. */
    private static final Set<String> STATUS_EVENTS = Set.of("subscription.active", "subscription.update",
            "subscription.scheduled_cancel", "subscription.past_due", "subscription.paused", "subscription.trialing");

    private static final Set<String> KNOWN = Set.of("checkout.completed", "subscription.paid",
            "subscription.canceled", "subscription.expired", "refund.created", "dispute.created");

    private CreemEvents() {
    }

    /** Lower-case hex HMAC-SHA256 of the raw body: what Creem sends in {@code creem-signature}. */
    static String sign(byte[] body, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    static void verify(Map<String, String> headers, byte[] body, byte[] secret) {
        String given = headers == null ? null : headers.get(SIGNATURE_HEADER);
        if (given == null || given.isBlank()) {
            throw new InvalidSignatureException("missing " + SIGNATURE_HEADER + " header");
        }
        byte[] expected = sign(body == null ? new byte[0] : body, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = given.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidSignatureException("the Creem webhook signature does not verify");
        }
    }

    /** A verified envelope {@code {"id", "eventType", "created_at", "object"}} as one event. */
    static PaymentEvent map(JsonNode envelope) {
        String eventId = text(envelope, "id");
        String type = text(envelope, "eventType");
        if (eventId == null || type == null) {
            throw new ValidationException("invalid_webhook", "Creem event without id or eventType");
        }
        JsonNode object = envelope.path("object");
        Instant created = instant(envelope.path("created_at"));
        boolean known = KNOWN.contains(type) || STATUS_EVENTS.contains(type);
        if (!known) {
            return new PaymentEvent.Ignored(PROVIDER, eventId, type);
        }
        if (!object.isObject()) {
            throw new ValidationException("invalid_webhook", "Creem " + type + " without its object");
        }
        switch (type) {
            case "checkout.completed":
                return checkoutPaid(eventId, type, object);
            case "subscription.paid":
                return subscriptionPaid(eventId, type, object);
            case "subscription.canceled":
                return new PaymentEvent.SubscriptionChanged(PROVIDER, eventId, type, requiredId(object, type),
                        "canceled", instant(object.path("current_period_end_date")), false, created,
                        idOf(object.path("product")), null);
            case "subscription.expired":
                return new PaymentEvent.SubscriptionChanged(PROVIDER, eventId, type, requiredId(object, type),
                        "expired", instant(object.path("current_period_end_date")), false, created,
                        idOf(object.path("product")), null);
            case "refund.created":
                return new PaymentEvent.PaymentRefunded(PROVIDER, eventId, type, requiredId(object, type),
                        paymentRef(object, type),
                        money(object.path("refund_amount"),
                                text(object, "refund_currency") != null ? object.path("refund_currency")
                                        : object.path("currency"), type));
            case "dispute.created":
                return new PaymentEvent.DisputeOpened(PROVIDER, eventId, type, requiredId(object, type),
                        paymentRef(object, type), money(object.path("amount"), object.path("currency"), type));
            default:
                return statusChanged(eventId, type, object, created);
        }
    }

    /**
     * A completed checkout. The order's transaction is the payment; for a subscription it is also the
     * first period's invoice, because the first {@code subscription.paid} names it as
     * {@code last_transaction_id}: whichever of the two events comes first grants, the other replays.
     */
    static PaymentEvent.CheckoutPaid checkoutPaid(String eventId, String type, JsonNode checkout) {
        JsonNode order = checkout.path("order");
        String transaction = text(order, "transaction");
        String paymentRef = transaction != null ? transaction : text(order, "id");
        Money paid = order.isObject() && order.hasNonNull("amount") && order.hasNonNull("currency")
                ? money(order.path("amount"), order.path("currency"), type) : null;
        JsonNode subscription = checkout.path("subscription");
        String subscriptionId = idOf(subscription);
        boolean recurring = subscriptionId != null || "recurring".equals(text(order, "type"));
        String orderId = text(checkout, "request_id");
        if (orderId == null) {
            orderId = text(checkout.path("metadata"), "orderId");
        }
        return new PaymentEvent.CheckoutPaid(PROVIDER, eventId, type, orderId, text(checkout, "id"), paymentRef, paid,
                subscriptionId, idOf(checkout.path("customer")), recurring ? transaction : null,
                instant(subscription.path("current_period_end_date")));
    }

    private static PaymentEvent.SubscriptionPaid subscriptionPaid(String eventId, String type, JsonNode subscription) {
        String transaction = text(subscription, "last_transaction_id");
        if (transaction == null) {
            throw new ValidationException("invalid_webhook", "Creem subscription.paid without last_transaction_id");
        }
        JsonNode product = subscription.path("product");
        Money paid = product.isObject() && product.hasNonNull("price") && product.hasNonNull("currency")
                ? money(product.path("price"), product.path("currency"), type) : null;
        JsonNode metadata = subscription.path("metadata");
        return new PaymentEvent.SubscriptionPaid(PROVIDER, eventId, type, transaction, requiredId(subscription, type),
                transaction, paid, instant(subscription.path("current_period_end_date")), text(metadata, "orderId"),
                text(metadata, "userId"), text(metadata, "productId"), idOf(subscription.path("customer")),
                // Creem sends subscription.paid for paid periods only (a plan change is subscription.update), and
                // the subscription's product is the plan this period was charged for.
                PaymentEvent.BillingReason.CYCLE, idOf(product), null);
    }

    /**
     * Creem says {@code scheduled_cancel} for a subscription that runs to the end of its paid period and
     * then stops; in our words that is still active, with {@code cancelAtPeriodEnd}.
     */
    private static PaymentEvent.SubscriptionChanged statusChanged(String eventId, String type, JsonNode subscription,
                                                                  Instant created) {
        String status = text(subscription, "status");
        boolean scheduled = "scheduled_cancel".equals(status) || "subscription.scheduled_cancel".equals(type);
        boolean cancelAtPeriodEnd = subscription.path("cancel_at_period_end").isBoolean()
                ? subscription.path("cancel_at_period_end").booleanValue() || scheduled : scheduled;
        return new PaymentEvent.SubscriptionChanged(PROVIDER, eventId, type, requiredId(subscription, type),
                scheduled ? "active" : status, instant(subscription.path("current_period_end_date")), cancelAtPeriodEnd,
                created, idOf(subscription.path("product")), null);
    }

    static String normalizeStatus(String status) {
        return "scheduled_cancel".equals(status) ? "active" : status;
    }

    private static String paymentRef(JsonNode object, String type) {
        String ref = idOf(object.path("transaction"));
        if (ref == null) {
            throw new ValidationException("invalid_webhook", "Creem " + type + " without its transaction");
        }
        return ref;
    }

    private static String requiredId(JsonNode object, String type) {
        String id = text(object, "id");
        if (id == null) {
            throw new ValidationException("invalid_webhook", "Creem " + type + " object without id");
        }
        return id;
    }

    /** Creem expands some references into objects and leaves others as their id. */
    static String idOf(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue().isBlank() ? null : node.textValue();
        }
        return text(node, "id");
    }

    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /** Creem amounts are integers in the currency's minor unit (cents). */
    static Money money(JsonNode amount, JsonNode currency, String type) {
        long minor;
        if (amount.isIntegralNumber()) {
            minor = amount.longValue();
        } else if (amount.isTextual() && amount.textValue().matches("[0-9]{1,18}")) {
            minor = Long.parseLong(amount.textValue());
        } else {
            throw new ValidationException("invalid_webhook", "Creem " + type + " without an integer amount");
        }
        if (!currency.isTextual()) {
            throw new ValidationException("invalid_webhook", "Creem " + type + " without a currency");
        }
        return new Money(minor, currency.textValue());
    }

    /** ISO-8601 ({@code 2025-01-31T10:00:00.000Z}, or with an offset) or epoch seconds/millis; null if absent. */
    static Instant instant(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            long value = node.longValue();
            return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(node.textValue());
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
