package dev.prepaid.system.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.adapter.out.provider.mock.MockWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The mock provider's side of a payment, driven step by step so the suite controls delivery: the customer
 * pays (the checkout becomes paid in the provider's store, no webhook yet), and the provider's events
 * (checkout.completed, invoice.paid per billing period, refund.created) are built here in the mock's own
 * wire format ({@code MockCheckoutActions}), to be delivered, repeated and reordered at will. Each
 * delivery is signed at the moment it is sent, as a provider re-signs its retries.
 */
final class MockEvents {
    static final String PROVIDER = "mock";

    /** One provider event: the same id and body however often it is delivered. */
    record Event(String id, String type, byte[] body, String ledgerKey, String userId) {
        /** The headers of one delivery, signed now with {@code secret}. */
        Map<String, String> headers(String secret) {
            return Map.of("content-type", "application/json",
                    MockWebhooks.SIGNATURE_HEADER, MockWebhooks.signatureHeader(secret, Instant.now().getEpochSecond(), body));
        }
    }

    private MockEvents() {
    }

    /** The customer pays on the hosted page; the provider has not told us yet. */
    static MockCheckout pay(MockPaymentProvider mock, String checkoutId) {
        MockCheckout checkout = mock.checkouts().find(checkoutId)
                .orElseThrow(() -> new IllegalStateException("no mock checkout " + checkoutId));
        if (checkout.status() == MockCheckout.Status.OPEN) {
            checkout = checkout.paid();
            mock.checkouts().save(checkout);
        }
        return checkout;
    }

    static String suffix(MockCheckout checkout) {
        return checkout.id().substring("mock_cs_".length());
    }

    static String invoiceRef(MockCheckout checkout, int period) {
        return "mock_in_" + checkout.id() + "-" + period;
    }

    static String paymentRef(MockCheckout checkout, int period) {
        return "mock_pi_" + suffix(checkout) + (period == 1 ? "" : "_" + period);
    }

    /** The ledger entry a period's credits land on. */
    static String grantKey(MockCheckout checkout, int period) {
        return "subscription_grant#" + PROVIDER + ":" + invoiceRef(checkout, period);
    }

    static String purchaseKey(MockCheckout checkout) {
        return "purchase#" + checkout.orderId();
    }

    static Event checkoutCompleted(MockCheckout checkout) {
        ObjectNode data = common(checkout);
        data.put("payment_ref", checkout.paymentRef());
        money(data, checkout.amount().minor(), checkout.amount().currency());
        if (checkout.isSubscription()) {
            data.put("subscription_id", checkout.subscriptionId());
            data.put("invoice_ref", invoiceRef(checkout, 1));
            data.put("period_end", periodEnd(checkout, 1));
        }
        return event("mock_evt_" + suffix(checkout) + "_completed", "checkout.completed", data,
                checkout.isSubscription() ? grantKey(checkout, 1) : purchaseKey(checkout), checkout.userId());
    }

    /** invoice.paid for billing period {@code period} (1 is the first, 2 the first renewal). */
    static Event invoicePaid(MockCheckout checkout, int period) {
        ObjectNode data = common(checkout);
        data.put("invoice_ref", invoiceRef(checkout, period));
        data.put("subscription_id", checkout.subscriptionId());
        data.put("payment_ref", paymentRef(checkout, period));
        money(data, checkout.amount().minor(), checkout.amount().currency());
        data.put("period", period);
        data.put("period_end", periodEnd(checkout, period));
        return event("mock_evt_" + suffix(checkout) + "_invoice_" + period, "invoice.paid", data,
                grantKey(checkout, period), checkout.userId());
    }

    /** refund.created: {@code amountMinor} of payment {@code paymentRef} went back to the customer. */
    static Event refundCreated(String refundId, String paymentRef, long amountMinor, String currency, String userId) {
        ObjectNode data = Figures.object();
        data.put("refund_id", refundId);
        data.put("payment_ref", paymentRef);
        money(data, amountMinor, currency);
        data.put("customer_email", "refunds+" + refundId + "@example.com");
        return event("mock_evt_" + refundId, "refund.created", data, "clawback#" + PROVIDER + ":" + refundId, userId);
    }

    private static ObjectNode common(MockCheckout checkout) {
        ObjectNode data = Figures.object();
        data.put("checkout_id", checkout.id());
        data.put("order_id", checkout.orderId());
        data.put("user_id", checkout.userId());
        data.put("product_id", checkout.productId());
        data.put("customer_ref", "mock_cus_" + suffix(checkout));
        // what a real provider sends too; it must never reach a log line
        data.put("customer_email", checkout.userId() + "@example.com");
        return data;
    }

    private static void money(ObjectNode data, long minor, String currency) {
        data.put("amount", minor);
        data.put("currency", currency);
    }

    private static String periodEnd(MockCheckout checkout, int period) {
        return checkout.createdAt().atZone(ZoneOffset.UTC).plusMonths(period).toInstant().toString();
    }

    private static Event event(String id, String type, ObjectNode data, String ledgerKey, String userId) {
        ObjectNode event = Figures.object();
        event.put("id", id);
        event.put("type", type);
        event.put("created", Instant.now().getEpochSecond());
        event.set("data", data);
        return new Event(id, type, event.toString().getBytes(StandardCharsets.UTF_8), ledgerKey, userId);
    }
}
