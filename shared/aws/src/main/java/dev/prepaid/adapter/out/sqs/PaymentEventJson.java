package dev.prepaid.adapter.out.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * How a verified {@link PaymentEvent} travels on the fulfilment queue: our own small JSON, not the
 * provider's payload, so the consumer needs no provider library and no re-verification.
 */
public final class PaymentEventJson {
    private PaymentEventJson() {
    }

    public static String write(PaymentEvent event) {
        ObjectNode node = Json.object();
        node.put("kind", event.getClass().getSimpleName());
        node.put("provider", event.provider());
        node.put("eventId", event.eventId());
        node.put("type", event.type());
        if (event instanceof PaymentEvent.CheckoutPaid e) {
            text(node, "orderId", e.orderId());
            text(node, "checkoutId", e.checkoutId());
            text(node, "paymentRef", e.paymentRef());
            money(node, "paid", e.paid());
            text(node, "subscriptionId", e.subscriptionId());
            text(node, "customerRef", e.customerRef());
            text(node, "invoiceRef", e.invoiceRef());
            instant(node, "periodEnd", e.periodEnd());
            if (e.amounts() != null) {
                node.putObject("amounts").put("subtotal", e.amounts().subtotal()).put("discount", e.amounts().discount())
                        .put("tax", e.amounts().tax()).put("shipping", e.amounts().shipping());
            }
        } else if (event instanceof PaymentEvent.CheckoutClosed e) {
            text(node, "orderId", e.orderId());
            text(node, "checkoutId", e.checkoutId());
            node.put("outcome", e.outcome().wireName());
        } else if (event instanceof PaymentEvent.SubscriptionPaid e) {
            text(node, "invoiceRef", e.invoiceRef());
            text(node, "subscriptionId", e.subscriptionId());
            text(node, "paymentRef", e.paymentRef());
            money(node, "paid", e.paid());
            instant(node, "periodEnd", e.periodEnd());
            text(node, "orderId", e.orderId());
            text(node, "userId", e.userId());
            text(node, "productId", e.productId());
            text(node, "customerRef", e.customerRef());
            if (e.billingReason() != null) {
                node.put("billingReason", e.billingReason().name());
            }
            text(node, "linePriceRef", e.linePriceRef());
            text(node, "lineProductId", e.lineProductId());
        } else if (event instanceof PaymentEvent.SubscriptionChanged e) {
            text(node, "subscriptionId", e.subscriptionId());
            text(node, "status", e.status());
            instant(node, "currentPeriodEnd", e.currentPeriodEnd());
            if (e.cancelAtPeriodEnd() != null) {
                node.put("cancelAtPeriodEnd", e.cancelAtPeriodEnd().booleanValue());
            }
            instant(node, "occurredAt", e.occurredAt());
            text(node, "priceRef", e.priceRef());
            text(node, "productId", e.productId());
        } else if (event instanceof PaymentEvent.PaymentRefunded e) {
            text(node, "refundRef", e.refundRef());
            text(node, "paymentRef", e.paymentRef());
            money(node, "refunded", e.refunded());
        } else if (event instanceof PaymentEvent.RefundFailed e) {
            text(node, "refundRef", e.refundRef());
            text(node, "paymentRef", e.paymentRef());
        } else if (event instanceof PaymentEvent.DisputeOpened e) {
            text(node, "disputeRef", e.disputeRef());
            text(node, "paymentRef", e.paymentRef());
            money(node, "amount", e.amount());
        } else if (event instanceof PaymentEvent.DisputeClosed e) {
            text(node, "disputeRef", e.disputeRef());
            text(node, "paymentRef", e.paymentRef());
            node.put("won", e.won());
        }
        return Json.write(node);
    }

    public static PaymentEvent read(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a payment event message", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a payment event message");
        }
        String provider = text(node, "provider");
        String eventId = text(node, "eventId");
        String type = text(node, "type");
        String kind = text(node, "kind");
        if (kind == null || provider == null || eventId == null) {
            throw new IllegalArgumentException("a payment event message needs kind, provider and eventId");
        }
        return switch (kind) {
            case "CheckoutPaid" -> new PaymentEvent.CheckoutPaid(provider, eventId, type, text(node, "orderId"),
                    text(node, "checkoutId"), text(node, "paymentRef"), money(node, "paid"), text(node, "subscriptionId"),
                    text(node, "customerRef"), text(node, "invoiceRef"), instant(node, "periodEnd"), amounts(node));
            case "CheckoutClosed" -> new PaymentEvent.CheckoutClosed(provider, eventId, type, text(node, "orderId"),
                    text(node, "checkoutId"), OrderStatus.fromWireName(text(node, "outcome")));
            case "SubscriptionPaid" -> new PaymentEvent.SubscriptionPaid(provider, eventId, type, text(node, "invoiceRef"),
                    text(node, "subscriptionId"), text(node, "paymentRef"), money(node, "paid"), instant(node, "periodEnd"),
                    text(node, "orderId"), text(node, "userId"), text(node, "productId"), text(node, "customerRef"),
                    text(node, "billingReason") == null ? null
                            : PaymentEvent.BillingReason.valueOf(text(node, "billingReason")),
                    text(node, "linePriceRef"), text(node, "lineProductId"));
            case "SubscriptionChanged" -> new PaymentEvent.SubscriptionChanged(provider, eventId, type,
                    text(node, "subscriptionId"), text(node, "status"), instant(node, "currentPeriodEnd"),
                    node.path("cancelAtPeriodEnd").isBoolean() ? node.get("cancelAtPeriodEnd").booleanValue() : null,
                    instant(node, "occurredAt"), text(node, "priceRef"), text(node, "productId"));
            case "PaymentRefunded" -> new PaymentEvent.PaymentRefunded(provider, eventId, type, text(node, "refundRef"),
                    text(node, "paymentRef"), money(node, "refunded"));
            case "RefundFailed" -> new PaymentEvent.RefundFailed(provider, eventId, type, text(node, "refundRef"),
                    text(node, "paymentRef"));
            case "DisputeOpened" -> new PaymentEvent.DisputeOpened(provider, eventId, type, text(node, "disputeRef"),
                    text(node, "paymentRef"), money(node, "amount"));
            case "DisputeClosed" -> new PaymentEvent.DisputeClosed(provider, eventId, type, text(node, "disputeRef"),
                    text(node, "paymentRef"), node.path("won").asBoolean(false));
            case "Ignored" -> new PaymentEvent.Ignored(provider, eventId, type);
            default -> throw new IllegalArgumentException("unknown payment event kind: " + kind);
        };
    }

    private static void text(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void money(ObjectNode node, String name, Money money) {
        if (money != null) {
            node.putObject(name).put("minor", money.minor()).put("currency", money.currency());
        }
    }

    private static Money money(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null
                : new Money(value.path("minor").asLong(), value.path("currency").asText());
    }

    private static void instant(ObjectNode node, String name, Instant instant) {
        if (instant != null) {
            node.put(name, instant.toString());
        }
    }

    private static Instant instant(JsonNode node, String name) {
        String value = text(node, name);
        return value == null ? null : Instant.parse(value);
    }

    private static PaymentEvent.Amounts amounts(com.fasterxml.jackson.databind.JsonNode node) {
        com.fasterxml.jackson.databind.JsonNode amounts = node.get("amounts");
        if (amounts == null || !amounts.isObject()) {
            return null;
        }
        return new PaymentEvent.Amounts(amounts.path("subtotal").asLong(), amounts.path("discount").asLong(),
                amounts.path("tax").asLong(), amounts.path("shipping").asLong());
    }
}
