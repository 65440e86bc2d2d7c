package dev.prepaid.adapter.out.provider.creem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.testing.creem.CreemWebhooks;
import dev.prepaid.testing.creem.FakeCreem;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreemWebhookTest {
    static final String API_KEY = CreemPaymentProviderTest.API_KEY;
    static final String SECRET = CreemPaymentProviderTest.WEBHOOK_SECRET;
    static final Instant NOW = CreemPaymentProviderTest.NOW;
    static final Instant PERIOD_END = Instant.parse("2025-04-10T12:00:00Z");

    final ProductCatalog catalog = ProductCatalog.defaults();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    FakeCreem fake;
    CreemPaymentProvider creem;

    @BeforeEach
    void start() {
        fake = CreemPaymentProviderTest.fakeWithProducts(clock);
        creem = new CreemPaymentProvider(HttpClient.newHttpClient(), fake.baseUrl(), API_KEY, SECRET,
                CreemPaymentProviderTest.PRODUCT_IDS, clock);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    record Bought(Order order, ObjectNode checkout) {
        String transaction() {
            return checkout.get("order").get("transaction").asText();
        }

        String customer() {
            return checkout.get("customer").get("id").asText();
        }

        String subscriptionId() {
            return checkout.get("subscription").get("id").asText();
        }
    }

    Bought buy(String productId) {
        Order order = Order.pending(OrderId.random(), new UserId("user-7"), catalog.require(productId), "creem", NOW);
        CheckoutSession session = creem.createCheckout(order, catalog.require(productId),
                "https://app.example/callback?orderId=" + order.orderId(), null);
        return new Bought(order, fake.markPaid(session.checkoutId()));
    }

    PaymentEvent parse(CreemWebhooks.Webhook webhook) {
        List<PaymentEvent> events = creem.parseWebhook(webhook.headers(SECRET), webhook.body());
        assertEquals(1, events.size());
        return events.get(0);
    }

    static CreemWebhooks.Webhook raw(String json) {
        return new CreemWebhooks.Webhook("evt_raw", "raw", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void checkoutCompletedForAOneTimePack() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.checkoutCompleted(bought.checkout());

        assertEquals(new PaymentEvent.CheckoutPaid("creem", webhook.eventId(), "checkout.completed",
                bought.order().orderId().value(), bought.checkout().get("id").asText(), bought.transaction(),
                new Money(790, "usd"), null, bought.customer(), null, null), parse(webhook));
    }

    @Test
    void checkoutCompletedForASubscriptionNamesTheFirstInvoiceAsItsTransaction() {
        Bought bought = buy("pro");
        CreemWebhooks.Webhook webhook = CreemWebhooks.checkoutCompleted(bought.checkout());

        assertEquals(new PaymentEvent.CheckoutPaid("creem", webhook.eventId(), "checkout.completed",
                bought.order().orderId().value(), bought.checkout().get("id").asText(), bought.transaction(),
                new Money(4990, "usd"), bought.subscriptionId(), bought.customer(), bought.transaction(), PERIOD_END),
                parse(webhook));
    }

    @Test
    void checkoutCompletedWithoutRequestIdUsesMetadataAndUnexpandedReferences() {
        CreemWebhooks.Webhook webhook = raw("""
                {"id":"evt_1","eventType":"checkout.completed","created_at":1741608000000,
                 "object":{"id":"ch_1","status":"completed","metadata":{"orderId":"ord_aaaaaaaaaaaaaaaaaaaaaaaa"},
                  "order":{"id":"ord_Creem1","amount":1990,"currency":"EUR","status":"paid","type":"recurring"},
                  "subscription":"sub_1","customer":"cust_1"}}""");

        // no transaction: the payment falls back to Creem's order id, and no first invoice is claimed
        assertEquals(new PaymentEvent.CheckoutPaid("creem", "evt_1", "checkout.completed",
                "ord_aaaaaaaaaaaaaaaaaaaaaaaa", "ch_1", "ord_Creem1", new Money(1990, "eur"), "sub_1", "cust_1",
                null, null), parse(webhook));
    }

    @Test
    void theFirstSubscriptionPaidHasTheSameInvoiceAsTheCheckout() {
        Bought bought = buy("basic");
        CreemWebhooks.Webhook checkout = CreemWebhooks.checkoutCompleted(bought.checkout());
        CreemWebhooks.Webhook webhook = CreemWebhooks.subscriptionPaid(bought.checkout());

        PaymentEvent event = parse(webhook);
        assertEquals(new PaymentEvent.SubscriptionPaid("creem", webhook.eventId(), "subscription.paid",
                bought.transaction(), bought.subscriptionId(), bought.transaction(), new Money(1990, "usd"), PERIOD_END,
                bought.order().orderId().value(), "user-7", "basic", bought.customer(), PaymentEvent.BillingReason.CYCLE,
                "prod_basic_1", "basic"), event);
        assertEquals(((PaymentEvent.CheckoutPaid) parse(checkout)).invoiceRef(),
                ((PaymentEvent.SubscriptionPaid) event).invoiceRef());
    }

    @Test
    void aRenewalIsANewInvoice() {
        Bought bought = buy("basic");
        Instant next = Instant.parse("2025-05-10T12:00:00Z");
        CreemWebhooks.Webhook webhook = CreemWebhooks.subscriptionPaid(bought.checkout(), "tran_renewal2", next);

        assertEquals(new PaymentEvent.SubscriptionPaid("creem", webhook.eventId(), "subscription.paid",
                "tran_renewal2", bought.subscriptionId(), "tran_renewal2", new Money(1990, "usd"), next,
                bought.order().orderId().value(), "user-7", "basic", bought.customer(), PaymentEvent.BillingReason.CYCLE,
                "prod_basic_1", "basic"), parse(webhook));
    }

    @Test
    void subscriptionPaidWithoutProductPriceOrMetadata() {
        CreemWebhooks.Webhook webhook = raw("""
                {"id":"evt_2","eventType":"subscription.paid","object":{"id":"sub_2","product":"prod_basic_1",
                 "customer":"cust_2","last_transaction_id":"tran_2","current_period_end_date":"2025-04-10T12:00:00+02:00"}}""");

        assertEquals(new PaymentEvent.SubscriptionPaid("creem", "evt_2", "subscription.paid", "tran_2", "sub_2",
                "tran_2", null, Instant.parse("2025-04-10T10:00:00Z"), null, null, null, "cust_2",
                PaymentEvent.BillingReason.CYCLE, "prod_basic_1", "basic"), parse(webhook));
    }

    @Test
    void subscriptionPaidWithoutATransactionIsRefused() {
        CreemWebhooks.Webhook webhook = raw("""
                {"id":"evt_3","eventType":"subscription.paid","object":{"id":"sub_3"}}""");
        assertEquals("invalid_webhook", assertThrows(ValidationException.class, () -> parse(webhook)).code());
    }

    @Test
    void subscriptionCanceledAndExpired() {
        Bought bought = buy("pro");
        ObjectNode subscription = fake.subscription(bought.subscriptionId());
        CreemWebhooks.Webhook canceled = CreemWebhooks.subscriptionEvent("subscription.canceled", subscription);
        CreemWebhooks.Webhook expired = CreemWebhooks.subscriptionEvent("subscription.expired", subscription);

        assertEquals(new PaymentEvent.SubscriptionChanged("creem", canceled.eventId(), "subscription.canceled",
                bought.subscriptionId(), "canceled", PERIOD_END, false), stateOnly(parse(canceled)));
        assertEquals(new PaymentEvent.SubscriptionChanged("creem", expired.eventId(), "subscription.expired",
                bought.subscriptionId(), "expired", PERIOD_END, false), stateOnly(parse(expired)));
    }

    @Test
    void subscriptionUpdateAndActiveCarryTheObjectsStatus() {
        Bought bought = buy("pro");
        ObjectNode subscription = fake.subscription(bought.subscriptionId());
        CreemWebhooks.Webhook active = CreemWebhooks.subscriptionEvent("subscription.active", subscription);
        subscription.put("status", "past_due");
        CreemWebhooks.Webhook update = CreemWebhooks.subscriptionEvent("subscription.update", subscription);

        assertEquals(new PaymentEvent.SubscriptionChanged("creem", active.eventId(), "subscription.active",
                bought.subscriptionId(), "active", PERIOD_END, false), stateOnly(parse(active)));
        assertEquals(new PaymentEvent.SubscriptionChanged("creem", update.eventId(), "subscription.update",
                bought.subscriptionId(), "past_due", PERIOD_END, false), stateOnly(parse(update)));
    }

    @Test
    void aScheduledCancelIsActiveUntilThePeriodEnds() {
        Bought bought = buy("pro");
        ObjectNode subscription = fake.subscription(bought.subscriptionId());
        subscription.put("status", "scheduled_cancel");
        CreemWebhooks.Webhook update = CreemWebhooks.subscriptionEvent("subscription.update", subscription);
        CreemWebhooks.Webhook scheduled = CreemWebhooks.subscriptionEvent("subscription.scheduled_cancel", subscription);

        assertEquals(new PaymentEvent.SubscriptionChanged("creem", update.eventId(), "subscription.update",
                bought.subscriptionId(), "active", PERIOD_END, true), stateOnly(parse(update)));
        assertEquals(new PaymentEvent.SubscriptionChanged("creem", scheduled.eventId(), "subscription.scheduled_cancel",
                bought.subscriptionId(), "active", PERIOD_END, true), stateOnly(parse(scheduled)));
    }

    @Test
    void refundCreatedAgainstTheTransaction() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.refundCreated(bought.checkout(), 300);
        String refundId = readTree(webhook).get("object").get("id").asText();

        assertEquals(new PaymentEvent.PaymentRefunded("creem", webhook.eventId(), "refund.created", refundId,
                bought.transaction(), new Money(300, "usd")), parse(webhook));
    }

    @Test
    void refundWithTheTransactionAsAnIdAndOnlyCurrency() {
        CreemWebhooks.Webhook webhook = raw("""
                {"id":"evt_4","eventType":"refund.created","object":{"id":"ref_4","transaction":"tran_4",
                 "refund_amount":790,"currency":"USD"}}""");

        assertEquals(new PaymentEvent.PaymentRefunded("creem", "evt_4", "refund.created", "ref_4", "tran_4",
                new Money(790, "usd")), parse(webhook));
    }

    @Test
    void disputeCreatedForTheWholePayment() {
        Bought bought = buy("pro");
        CreemWebhooks.Webhook webhook = CreemWebhooks.disputeCreated(bought.checkout());
        String disputeId = readTree(webhook).get("object").get("id").asText();

        assertEquals(new PaymentEvent.DisputeOpened("creem", webhook.eventId(), "dispute.created", disputeId,
                bought.transaction(), new Money(4990, "usd")), parse(webhook));
    }

    @Test
    void otherEventsAreIgnored() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.envelope("checkout.opened", bought.checkout());
        assertEquals(new PaymentEvent.Ignored("creem", webhook.eventId(), "checkout.opened"), parse(webhook));
        CreemWebhooks.Webhook noObject = raw("{\"id\":\"evt_5\",\"eventType\":\"customer.updated\"}");
        assertEquals(new PaymentEvent.Ignored("creem", "evt_5", "customer.updated"), parse(noObject));
    }

    @Test
    void aKnownEventWithoutItsObjectIsRefused() {
        CreemWebhooks.Webhook webhook = raw("{\"id\":\"evt_6\",\"eventType\":\"checkout.completed\"}");
        assertThrows(ValidationException.class, () -> parse(webhook));
    }

    @Test
    void aSignedBodyThatIsNotJsonIsRefused() {
        CreemWebhooks.Webhook webhook = raw("not json");
        assertEquals("invalid_webhook", assertThrows(ValidationException.class, () -> parse(webhook)).code());
    }

    @Test
    void aChangedBodyDoesNotVerify() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.checkoutCompleted(bought.checkout());
        Map<String, String> headers = webhook.headers(SECRET);
        byte[] changed = webhook.bodyText().replace("\"amount\":790", "\"amount\":79000")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(webhook.bodyText().equals(new String(changed, StandardCharsets.UTF_8)));

        InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
                () -> creem.parseWebhook(headers, changed));
        assertEquals("invalid_signature", e.code());
    }

    @Test
    void aMissingSignatureHeaderDoesNotVerify() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.checkoutCompleted(bought.checkout());
        Map<String, String> headers = new HashMap<>(webhook.headers(SECRET));
        headers.remove("creem-signature");

        assertThrows(InvalidSignatureException.class, () -> creem.parseWebhook(headers, webhook.body()));
        assertThrows(InvalidSignatureException.class, () -> creem.parseWebhook(Map.of(), webhook.body()));
        assertThrows(InvalidSignatureException.class,
                () -> creem.parseWebhook(Map.of("creem-signature", ""), webhook.body()));
    }

    @Test
    void anotherSecretsSignatureDoesNotVerify() {
        Bought bought = buy("trial");
        CreemWebhooks.Webhook webhook = CreemWebhooks.checkoutCompleted(bought.checkout());

        InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
                () -> creem.parseWebhook(webhook.headers("whsec_someone_else_entirely"), webhook.body()));
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void theSignatureIsLowerCaseHexHmacSha256OfTheRawBody() {
        // RFC 4231 test case 2
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                CreemWebhooks.sign("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII), "Jefe"));
        assertEquals(CreemWebhooks.sign(new byte[] {1, 2, 3}, SECRET),
                CreemEvents.sign(new byte[] {1, 2, 3}, SECRET.getBytes(StandardCharsets.UTF_8)));
        // an upper-case rendering of the same digest is the same signature
        CreemWebhooks.Webhook webhook = raw("{\"id\":\"evt_7\",\"eventType\":\"x\"}");
        String upper = CreemWebhooks.sign(webhook.body(), SECRET).toUpperCase(java.util.Locale.ROOT);
        assertEquals(new PaymentEvent.Ignored("creem", "evt_7", "x"),
                creem.parseWebhook(Map.of("creem-signature", upper), webhook.body()).get(0));
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(CreemWebhooks.Webhook webhook) {
        try {
            return Json.MAPPER.readTree(webhook.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The state an event reports, without when it was created or its price (asserted in their own tests). */
    private static dev.prepaid.domain.payment.PaymentEvent stateOnly(dev.prepaid.domain.payment.PaymentEvent event) {
        if (event instanceof dev.prepaid.domain.payment.PaymentEvent.SubscriptionChanged c) {
            return new dev.prepaid.domain.payment.PaymentEvent.SubscriptionChanged(c.provider(), c.eventId(), c.type(),
                    c.subscriptionId(), c.status(), c.currentPeriodEnd(), c.cancelAtPeriodEnd());
        }
        return event;
    }
}
