package dev.prepaid.adapter.out.provider.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentEvent.BillingReason;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 2, the adapter's half: an invoice's billing reason and the plan its subscription line
 * charges (price id mapped to our product), in the 2020-03-02 shape and the basil (2025-03-31+) shape.
 */
class StripeInvoiceLineTest {
    static final String SECRET = "whsec_test_invoice_lines";
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final long PERIOD_END = 1_750_000_000L;

    final StripePaymentProvider provider = new StripePaymentProvider(
            StripeClient.builder().setApiKey("sk_test_unused").setApiBase("http://127.0.0.1:9").build(), SECRET,
            Map.of("basic", "price_basic", "pro", "price_pro"), Clock.fixed(NOW, ZoneOffset.UTC));

    private PaymentEvent.SubscriptionPaid deliver(ObjectNode invoice) {
        String payload = StripeWebhooks.json(StripeWebhooks.event("invoice.paid", invoice));
        List<PaymentEvent> events = provider.parseWebhook(
                StripeWebhooks.headers(payload, SECRET, NOW.getEpochSecond() - 5), payload.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, events.size(), events.toString());
        return (PaymentEvent.SubscriptionPaid) events.get(0);
    }

    private static ObjectNode invoice(String reason) {
        ObjectNode invoice = StripeWebhooks.invoiceObject("in_1", "sub_1", "cus_1", "pi_1", 4990, "usd", PERIOD_END,
                Map.of("productId", "basic", "userId", "user-1"));
        invoice.put("billing_reason", reason);
        return invoice;
    }

    @Test
    void theLinePriceNamesThePlanInTheOldShape() {
        PaymentEvent.SubscriptionPaid paid = deliver(StripeWebhooks.linePrice(invoice("subscription_cycle"), "price_pro", false));
        assertEquals(BillingReason.CYCLE, paid.billingReason());
        assertEquals("price_pro", paid.linePriceRef());
        assertEquals("pro", paid.lineProductId());
        assertEquals("basic", paid.productId()); // the creation metadata, which fulfilment no longer believes
    }

    @Test
    void theLinePriceNamesThePlanInTheBasilShape() {
        ObjectNode invoice = StripeWebhooks.basilInvoice(
                StripeWebhooks.linePrice(invoice("subscription_create"), "price_basic", true));
        PaymentEvent.SubscriptionPaid paid = deliver(invoice);
        assertEquals("sub_1", paid.subscriptionId());
        assertEquals(BillingReason.CREATE, paid.billingReason());
        assertEquals("price_basic", paid.linePriceRef());
        assertEquals("basic", paid.lineProductId());
    }

    @Test
    void aProrationInvoiceIsAnUpdateAndItsProrationLinesNameNoPlan() {
        ObjectNode invoice = StripeWebhooks.linePrice(invoice("subscription_update"), "price_pro", false);
        ((ObjectNode) invoice.path("lines").path("data").path(0)).put("proration", true);
        PaymentEvent.SubscriptionPaid paid = deliver(invoice);
        assertEquals(BillingReason.UPDATE, paid.billingReason());
        assertEquals(null, paid.linePriceRef());
    }

    @Test
    void aPriceOfAnotherCatalogMapsToNoProduct() {
        PaymentEvent.SubscriptionPaid paid = deliver(StripeWebhooks.linePrice(invoice("subscription_cycle"), "price_other", false));
        assertEquals("price_other", paid.linePriceRef());
        assertEquals(null, paid.lineProductId());
        assertEquals(BillingReason.OTHER, deliver(invoice("manual")).billingReason());
    }

    @Test
    void aSubscriptionEventCarriesItsCreationTimeAndItsItemsPlan() {
        ObjectNode subscription = StripeWebhooks.subscriptionObject("sub_1", "cus_1", "active", PERIOD_END, false, Map.of());
        ((ObjectNode) subscription.path("items").path("data").path(0)).putObject("price").put("id", "price_pro");
        ObjectNode event = StripeWebhooks.event("customer.subscription.updated", subscription);
        event.put("created", 1_700_000_123L);
        String payload = StripeWebhooks.json(event);
        PaymentEvent.SubscriptionChanged changed = (PaymentEvent.SubscriptionChanged) provider.parseWebhook(
                StripeWebhooks.headers(payload, SECRET, NOW.getEpochSecond() - 5),
                payload.getBytes(StandardCharsets.UTF_8)).get(0);
        assertEquals(Instant.ofEpochSecond(1_700_000_123L), changed.occurredAt());
        assertEquals("price_pro", changed.priceRef());
        assertEquals("pro", changed.productId());
    }
}
