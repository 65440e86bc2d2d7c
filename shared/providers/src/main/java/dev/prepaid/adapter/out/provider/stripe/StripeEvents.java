package dev.prepaid.adapter.out.provider.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates Stripe's raw JSON (a verified webhook envelope, or an object fetched from the API) into
 * {@link PaymentEvent}s. It reads the JSON tree, not stripe-java's typed models, because webhook payloads
 * come in the API version of the endpoint (the fixtures are 2020-03-02) while the typed models follow the
 * library's pinned version. Fields that moved between versions are read from every place they have lived.
 */
final class StripeEvents {
    static final String PROVIDER = "stripe";
    /** Metadata key (value {@code true}) of the payment intents auto top-up creates. */
    static final String AUTO_TOPUP_METADATA = "autoTopup";

    private StripeEvents() {
    }

    /** One verified event envelope to what it means for us; an event we do not act on becomes Ignored. */
    static List<PaymentEvent> map(JsonNode event) {
        String eventId = text(event, "id");
        String type = text(event, "type");
        if (eventId == null || type == null) {
            throw new IllegalArgumentException("the Stripe event has no id or type");
        }
        JsonNode object = event.path("data").path("object");
        if (!object.isObject()) {
            return ignored(eventId, type);
        }
        return switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" ->
                    isPaid(object) ? List.of(checkoutPaid(eventId, type, object)) : ignored(eventId, type);
            case "checkout.session.async_payment_failed" -> List.of(checkoutClosed(eventId, type, object, OrderStatus.FAILED));
            case "checkout.session.expired" -> List.of(checkoutClosed(eventId, type, object, OrderStatus.EXPIRED));
            case "invoice.paid" -> invoicePaid(eventId, type, object);
            case "customer.subscription.updated", "customer.subscription.deleted" ->
                    List.of(subscriptionChanged(eventId, type, object, instant(event, "created")));
            case "charge.refunded" -> chargeRefunded(eventId, type, object);
            case "refund.created" -> refundCreated(eventId, type, object);
            // a refund that fails (or is canceled) after it was reported: give back what its claw-back took
            case "refund.failed", "refund.updated", "charge.refund.updated" -> refundFailed(eventId, type, object);
            case "charge.dispute.created" -> List.of(new PaymentEvent.DisputeOpened(PROVIDER, eventId, type,
                    requireText(object, "id", eventId), paymentRef(object, eventId), money(object, "amount", null, eventId)));
            case "charge.dispute.closed" -> List.of(new PaymentEvent.DisputeClosed(PROVIDER, eventId, type,
                    requireText(object, "id", eventId), paymentRef(object, eventId), disputeWon(text(object, "status"))));
            case "payment_intent.succeeded" -> autoTopup(object)
                    ? List.of(autoTopupPaid(eventId, type, object)) : ignored(eventId, type);
            case "payment_intent.payment_failed", "payment_intent.canceled" -> autoTopup(object)
                    ? List.of(new PaymentEvent.CheckoutClosed(PROVIDER, eventId, type,
                            text(object.path("metadata"), "orderId"), text(object, "id"), OrderStatus.FAILED))
                    : ignored(eventId, type);
            case "invoice.payment_failed" -> invoicePaymentFailed(eventId, type, object, instant(event, "created"));
            // everything else: acknowledged, nothing to do
            default -> ignored(eventId, type);
        };
    }

    /**
     * A payment intent auto top-up created (metadata {@code autoTopup=true}). A checkout's own payment intent also
     * sends payment_intent.succeeded: that one is ignored here, its checkout.session.completed grants.
     */
    static boolean autoTopup(JsonNode intent) {
        return "true".equals(text(intent.path("metadata"), AUTO_TOPUP_METADATA));
    }

    /**
     * An auto top-up's payment succeeded: a paid "checkout" whose id is the payment intent's (the order's checkout
     * id is the payment intent id), so fulfilment matches order, provider, payment and amount as for a checkout.
     */
    static PaymentEvent.CheckoutPaid autoTopupPaid(String eventId, String type, JsonNode intent) {
        String id = text(intent, "id");
        JsonNode received = intent.get("amount_received");
        String currency = text(intent, "currency");
        Money paid = received != null && received.isIntegralNumber() && currency != null
                ? new Money(received.asLong(), currency) : optionalMoney(intent, "amount");
        return new PaymentEvent.CheckoutPaid(PROVIDER, eventId, type, text(intent.path("metadata"), "orderId"), id, id,
                paid, null, idOf(intent, "customer"), null, null);
    }

    /** payment_status paid, or no_payment_required (a 100% discount): the checkout is settled. */
    static boolean isPaid(JsonNode session) {
        String status = text(session, "payment_status");
        return "paid".equals(status) || "no_payment_required".equals(status);
    }

    static PaymentEvent.CheckoutPaid checkoutPaid(String eventId, String type, JsonNode session) {
        String invoice = idOf(session, "invoice");
        String paymentRef = idOf(session, "payment_intent");
        if (paymentRef == null && "subscription".equals(text(session, "mode"))) {
            // A subscription checkout has no payment intent of its own: its first invoice carries the payment.
            paymentRef = invoice;
        }
        return new PaymentEvent.CheckoutPaid(PROVIDER, eventId, type, orderId(session), text(session, "id"), paymentRef,
                optionalMoney(session, "amount_total"), idOf(session, "subscription"), idOf(session, "customer"), invoice,
                null, amounts(session));
    }

    /**
     * amount_subtotal and total_details (amount_discount, amount_tax, amount_shipping) of a Checkout session;
     * null when the session has no integral subtotal (the parts that are absent count as 0).
     */
    static PaymentEvent.Amounts amounts(JsonNode session) {
        JsonNode subtotal = session.get("amount_subtotal");
        if (subtotal == null || !subtotal.isIntegralNumber()) {
            return null;
        }
        JsonNode details = session.path("total_details");
        return new PaymentEvent.Amounts(subtotal.asLong(), details.path("amount_discount").asLong(0),
                details.path("amount_tax").asLong(0), details.path("amount_shipping").asLong(0));
    }

    private static PaymentEvent.CheckoutClosed checkoutClosed(String eventId, String type, JsonNode session,
                                                              OrderStatus outcome) {
        return new PaymentEvent.CheckoutClosed(PROVIDER, eventId, type, orderId(session), text(session, "id"), outcome);
    }

    private static String orderId(JsonNode session) {
        String reference = text(session, "client_reference_id");
        return reference != null ? reference : text(session.path("metadata"), "orderId");
    }

    private static List<PaymentEvent> invoicePaid(String eventId, String type, JsonNode invoice) {
        String subscriptionId = idOf(invoice, "subscription");
        if (subscriptionId == null) {
            // API 2025-03-31 (basil) and later
            subscriptionId = idOf(invoice.path("parent").path("subscription_details"), "subscription");
        }
        if (subscriptionId == null) {
            return ignored(eventId, type); // a one-off invoice: not a subscription period
        }
        String invoiceId = requireText(invoice, "id", eventId);
        String paymentRef = idOf(invoice, "payment_intent");
        if (paymentRef == null) {
            paymentRef = idOf(invoice, "charge");
        }
        if (paymentRef == null) {
            // basil moved payments to invoice.payments (only present when expanded or included)
            paymentRef = idOf(invoice.path("payments").path("data").path(0).path("payment"), "payment_intent");
        }
        if (paymentRef == null) {
            paymentRef = invoiceId;
        }
        JsonNode firstLine = invoice.path("lines").path("data").path(0);
        Instant periodEnd = instant(firstLine.path("period"), "end");
        if (periodEnd == null) {
            periodEnd = instant(invoice, "period_end");
        }
        return List.of(new PaymentEvent.SubscriptionPaid(PROVIDER, eventId, type, invoiceId, subscriptionId, paymentRef,
                money(invoice, "amount_paid", null, eventId), periodEnd,
                subscriptionMetadata(invoice, "orderId"), subscriptionMetadata(invoice, "userId"),
                subscriptionMetadata(invoice, "productId"), idOf(invoice, "customer"),
                billingReason(text(invoice, "billing_reason")), linePrice(invoice), null));
    }

    /** Stripe's billing_reason in our words; an invoice that does not say is not a period. */
    static PaymentEvent.BillingReason billingReason(String reason) {
        if (reason == null) {
            return PaymentEvent.BillingReason.OTHER;
        }
        return switch (reason) {
            case "subscription_create" -> PaymentEvent.BillingReason.CREATE;
            case "subscription_cycle" -> PaymentEvent.BillingReason.CYCLE;
            case "subscription_update" -> PaymentEvent.BillingReason.UPDATE;
            default -> PaymentEvent.BillingReason.OTHER;
        };
    }

    /**
     * The price of the invoice's subscription line (the first line that is not a proration): {@code price}
     * (expanded or not) and {@code plan} up to API 2025-02-24, {@code pricing.price_details.price} from
     * 2025-03-31 (basil). Null when no line names one (the invoice then says nothing about its plan).
     */
    static String linePrice(JsonNode invoice) {
        JsonNode lines = invoice.path("lines").path("data");
        if (!lines.isArray()) {
            return null;
        }
        for (JsonNode line : lines) {
            if (line.path("proration").asBoolean(false)
                    || line.path("parent").path("subscription_item_details").path("proration").asBoolean(false)) {
                continue;
            }
            String price = idOf(line, "price");
            if (price == null) {
                price = idOf(line.path("pricing").path("price_details"), "price");
            }
            if (price == null) {
                price = idOf(line, "plan");
            }
            if (price != null) {
                return price;
            }
        }
        return null;
    }

    /**
     * A subscription's renewal payment failed: Stripe marks the subscription {@code past_due} (and retries the
     * payment; {@code invoice.paid} then makes it active again, and {@code customer.subscription.updated}
     * says the same). Only the status is known here: the period end and the cancellation flag stay as they
     * are. A failed first invoice ({@code subscription_create}) leaves the subscription {@code incomplete},
     * not past due, and a one-off invoice is not a subscription's: both are acknowledged, nothing to do.
     */
    private static List<PaymentEvent> invoicePaymentFailed(String eventId, String type, JsonNode invoice,
                                                           Instant created) {
        String subscriptionId = idOf(invoice, "subscription");
        if (subscriptionId == null) {
            subscriptionId = idOf(invoice.path("parent").path("subscription_details"), "subscription");
        }
        if (subscriptionId == null || "subscription_create".equals(text(invoice, "billing_reason"))) {
            return ignored(eventId, type);
        }
        return List.of(new PaymentEvent.SubscriptionChanged(PROVIDER, eventId, type, subscriptionId, "past_due",
                null, null, created, null, null));
    }

    /**
     * The subscription's metadata as the invoice carries it: subscription_details (2022-2025),
     * parent.subscription_details (basil and later), the invoice's own metadata, and finally the first
     * line's metadata (on 2020-03-02 a subscription line carries the subscription's metadata).
     */
    private static String subscriptionMetadata(JsonNode invoice, String key) {
        JsonNode[] places = {
                invoice.path("subscription_details").path("metadata"),
                invoice.path("parent").path("subscription_details").path("metadata"),
                invoice.path("metadata"),
                invoice.path("lines").path("data").path(0).path("metadata")};
        for (JsonNode place : places) {
            String value = text(place, key);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    static PaymentEvent.SubscriptionChanged subscriptionChanged(String eventId, String type, JsonNode subscription,
                                                                Instant created) {
        return new PaymentEvent.SubscriptionChanged(PROVIDER, eventId, type, requireText(subscription, "id", eventId),
                text(subscription, "status"), currentPeriodEnd(subscription), willCancel(subscription), created,
                itemPrice(subscription), null);
    }

    /** The price of the subscription's (single) item: {@code price} (expanded or not), else {@code plan}. */
    static String itemPrice(JsonNode subscription) {
        JsonNode item = subscription.path("items").path("data").path(0);
        String price = idOf(item, "price");
        return price != null ? price : idOf(item, "plan");
    }

    /** current_period_end moved from the subscription to its items in API 2025-03-31. */
    static Instant currentPeriodEnd(JsonNode subscription) {
        Instant end = instant(subscription, "current_period_end");
        return end != null ? end : instant(subscription.path("items").path("data").path(0), "current_period_end");
    }

    /**
     * cancel_at_period_end, or a scheduled cancel_at no later than the current period's end (newer
     * Dashboard and portal cancellations set cancel_at instead): either way the plan does not renew.
     */
    static boolean willCancel(JsonNode subscription) {
        if (subscription.path("cancel_at_period_end").asBoolean(false)) {
            return true;
        }
        Instant cancelAt = instant(subscription, "cancel_at");
        Instant periodEnd = currentPeriodEnd(subscription);
        return cancelAt != null && periodEnd != null && !cancelAt.isAfter(periodEnd)
                && !"canceled".equals(text(subscription, "status"));
    }

    /**
     * One PaymentRefunded per refund in the charge's refunds list. Claw-backs are keyed by refund id, so
     * the charge's amount_refunded total is never used; a charge without the list (API 2022-11-15 and
     * later leave it out) is ignored: refund.created carries each refund.
     */
    private static List<PaymentEvent> chargeRefunded(String eventId, String type, JsonNode charge) {
        JsonNode refunds = charge.path("refunds").path("data");
        if (!refunds.isArray() || refunds.isEmpty()) {
            return ignored(eventId, type);
        }
        String paymentRef = paymentRefOfCharge(charge, eventId);
        String currency = text(charge, "currency");
        List<PaymentEvent> events = new ArrayList<>();
        for (JsonNode refund : refunds) {
            if (!refund.isObject() || refundDidNotHappen(refund)) {
                continue;
            }
            events.add(new PaymentEvent.PaymentRefunded(PROVIDER, eventId, type, requireText(refund, "id", eventId),
                    paymentRef, money(refund, "amount", currency, eventId)));
        }
        return events.isEmpty() ? ignored(eventId, type) : events;
    }

    private static List<PaymentEvent> refundCreated(String eventId, String type, JsonNode refund) {
        if (refundDidNotHappen(refund)) {
            return ignored(eventId, type);
        }
        return List.of(new PaymentEvent.PaymentRefunded(PROVIDER, eventId, type, requireText(refund, "id", eventId),
                paymentRef(refund, eventId), money(refund, "amount", null, eventId)));
    }

    private static List<PaymentEvent> refundFailed(String eventId, String type, JsonNode refund) {
        if (!refundDidNotHappen(refund) || !"refund".equals(text(refund, "object"))) {
            return ignored(eventId, type); // an update that is not a failure (succeeded, metadata, ...)
        }
        return List.of(new PaymentEvent.RefundFailed(PROVIDER, eventId, type, requireText(refund, "id", eventId),
                paymentRef(refund, eventId)));
    }

    private static boolean refundDidNotHappen(JsonNode refund) {
        String status = text(refund, "status");
        return "failed".equals(status) || "canceled".equals(status);
    }

    /**
     * "won", or "warning_closed": an inquiry that closed without becoming a chargeback, so the money
     * never left and what its opening took back is due again.
     */
    private static boolean disputeWon(String status) {
        return "won".equals(status) || "warning_closed".equals(status);
    }

    /** The payment a refund or dispute refers to: its payment intent, else its charge. */
    private static String paymentRef(JsonNode object, String eventId) {
        String ref = idOf(object, "payment_intent");
        if (ref == null) {
            ref = idOf(object, "charge");
        }
        if (ref == null) {
            throw new IllegalArgumentException("Stripe event " + eventId + ": " + text(object, "object") + " "
                    + text(object, "id") + " names neither a payment intent nor a charge");
        }
        return ref;
    }

    private static String paymentRefOfCharge(JsonNode charge, String eventId) {
        String ref = idOf(charge, "payment_intent");
        return ref != null ? ref : requireText(charge, "id", eventId);
    }

    private static List<PaymentEvent> ignored(String eventId, String type) {
        return List.of(new PaymentEvent.Ignored(PROVIDER, eventId, type));
    }

    // --- JSON reading -------------------------------------------------------------------------------

    /** A scalar field as text; null when absent, JSON null, or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    /** An id field that may be expanded: "cus_123" or {"id": "cus_123", ...}. */
    static String idOf(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            return text(value, "id");
        }
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static Instant instant(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            return null;
        }
        return Instant.ofEpochSecond(value.asLong());
    }

    private static Money optionalMoney(JsonNode object, String amountField) {
        JsonNode amount = object.get(amountField);
        String currency = text(object, "currency");
        if (amount == null || !amount.isIntegralNumber() || currency == null) {
            return null;
        }
        return new Money(amount.asLong(), currency);
    }

    private static Money money(JsonNode object, String amountField, String fallbackCurrency, String eventId) {
        JsonNode amount = object.get(amountField);
        String currency = text(object, "currency");
        if (currency == null) {
            currency = fallbackCurrency;
        }
        if (amount == null || !amount.isIntegralNumber() || currency == null) {
            throw new IllegalArgumentException("Stripe event " + eventId + ": " + text(object, "object") + " "
                    + text(object, "id") + " has no " + amountField + " or currency");
        }
        return new Money(amount.asLong(), currency);
    }

    private static String requireText(JsonNode object, String field, String eventId) {
        String value = text(object, field);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Stripe event " + eventId + ": " + text(object, "object")
                    + " has no " + field);
        }
        return value;
    }
}
