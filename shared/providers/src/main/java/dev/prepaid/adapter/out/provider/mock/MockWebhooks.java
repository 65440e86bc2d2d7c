package dev.prepaid.adapter.out.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mock provider's webhook scheme, modelled on Stripe's and implemented here:
 * {@code mock-signature: t=<epoch seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}, refused when
 * the timestamp is more than {@link #TOLERANCE} away from now (a replayed old delivery). Body:
 * {@code {"id": "mock_evt_...", "type", "created", "data": {...}}}.
 */
public final class MockWebhooks {
    public static final String PROVIDER = "mock";
    public static final String SIGNATURE_HEADER = "mock-signature";
    public static final Duration TOLERANCE = Duration.ofSeconds(300);

    private MockWebhooks() {
    }

    /** The {@code mock-signature} header value for {@code body} signed at {@code timestamp}. */
    public static String signatureHeader(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + hmac(secret.getBytes(StandardCharsets.UTF_8), timestamp, body);
    }

    static String hmac(byte[] secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Throws {@link InvalidSignatureException} unless one {@code v1} verifies and {@code t} is within tolerance. */
    static void verify(Map<String, String> headers, byte[] body, byte[] secret, Instant now) {
        String header = headers == null ? null : headers.get(SIGNATURE_HEADER);
        if (header == null || header.isBlank()) {
            throw new InvalidSignatureException("missing " + SIGNATURE_HEADER + " header");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if ("t".equals(name) && value.matches("[0-9]{1,12}")) {
                timestamp = Long.parseLong(value);
            } else if ("v1".equals(name)) {
                signatures.add(value.toLowerCase(Locale.ROOT));
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new InvalidSignatureException("malformed " + SIGNATURE_HEADER + " header");
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
            throw new InvalidSignatureException("the mock webhook timestamp is outside the tolerance");
        }
        byte[] expected = hmac(secret, timestamp, body == null ? new byte[0] : body).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String signature : signatures) {
            // no early exit: every candidate is compared in constant time
            ok |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
        }
        if (!ok) {
            throw new InvalidSignatureException("the mock webhook signature does not verify");
        }
    }

    /** A verified event body in our words. */
    static PaymentEvent map(JsonNode event) {
        String id = text(event, "id");
        String type = text(event, "type");
        if (id == null || type == null) {
            throw new ValidationException("invalid_webhook", "mock event without id or type");
        }
        JsonNode data = event.path("data");
        switch (type) {
            case "checkout.completed":
                return new PaymentEvent.CheckoutPaid(PROVIDER, id, type, text(data, "order_id"),
                        required(data, "checkout_id", type), text(data, "payment_ref"), money(data, type),
                        text(data, "subscription_id"), text(data, "customer_ref"), text(data, "invoice_ref"),
                        instant(data, "period_end"));
            case "checkout.expired":
                return new PaymentEvent.CheckoutClosed(PROVIDER, id, type, text(data, "order_id"),
                        required(data, "checkout_id", type), OrderStatus.EXPIRED);
            case "invoice.paid":
                return new PaymentEvent.SubscriptionPaid(PROVIDER, id, type, required(data, "invoice_ref", type),
                        required(data, "subscription_id", type), text(data, "payment_ref"), money(data, type),
                        instant(data, "period_end"), text(data, "order_id"), text(data, "user_id"),
                        text(data, "product_id"), text(data, "customer_ref"));
            case "refund.created":
                return new PaymentEvent.PaymentRefunded(PROVIDER, id, type, required(data, "refund_id", type),
                        required(data, "payment_ref", type), money(data, type));
            case "refund.failed":
                return new PaymentEvent.RefundFailed(PROVIDER, id, type, required(data, "refund_id", type),
                        required(data, "payment_ref", type));
            case "dispute.created":
                return new PaymentEvent.DisputeOpened(PROVIDER, id, type, required(data, "dispute_id", type),
                        required(data, "payment_ref", type), money(data, type));
            case "dispute.closed":
                return new PaymentEvent.DisputeClosed(PROVIDER, id, type, required(data, "dispute_id", type),
                        required(data, "payment_ref", type), "won".equals(text(data, "status")));
            default:
                return new PaymentEvent.Ignored(PROVIDER, id, type);
        }
    }

    private static String required(JsonNode data, String field, String type) {
        String value = text(data, field);
        if (value == null) {
            throw new ValidationException("invalid_webhook", "mock " + type + " without " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    private static Money money(JsonNode data, String type) {
        JsonNode amount = data.path("amount");
        JsonNode currency = data.path("currency");
        if (!amount.isIntegralNumber() || !currency.isTextual()) {
            throw new ValidationException("invalid_webhook", "mock " + type + " without amount and currency");
        }
        return new Money(amount.longValue(), currency.textValue());
    }

    private static Instant instant(JsonNode data, String field) {
        String value = text(data, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ValidationException("invalid_webhook", "mock event " + field + " is not an ISO instant");
        }
    }
}
