package dev.prepaid.adapter.out.provider.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.net.Webhook;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.testing.stripe.StripeFixtures;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** parseWebhook: the Stripe event fixtures (shared/testing resources) re-signed, events built from them, and every way a signature fails. */
class StripeWebhookTest {
    static final String SECRET = "whsec_test_webhook_secret_for_unit_tests";
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final long TS = NOW.getEpochSecond() - 5;
    static final String ORDER = "ord_0123456789abcdef01234567";

    StripePaymentProvider provider;

    @BeforeEach
    void setUp() {
        // never called: webhooks need no API access
        StripeClient client = StripeClient.builder().setApiKey("sk_test_unused").setApiBase("http://127.0.0.1:9").build();
        provider = new StripePaymentProvider(client, SECRET, Map.of(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private List<PaymentEvent> deliver(String payload) {
        return provider.parseWebhook(StripeWebhooks.headers(payload, SECRET, TS), payload.getBytes(StandardCharsets.UTF_8));
    }

    private List<PaymentEvent> deliver(ObjectNode event) {
        return deliver(StripeWebhooks.json(event));
    }

    private static String fixture(String file) throws IOException {
        return StripeFixtures.eventText(file);
    }

    private static ObjectNode object(ObjectNode event) {
        return (ObjectNode) event.get("data").get("object");
    }

    private static PaymentEvent only(List<PaymentEvent> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    // --- the fixtures, byte for byte, re-signed -------------------------------------------

    @Test
    void fixtureCheckoutSessionCompleted() throws IOException {
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", "evt_T8nSaZqtPudigUMqnnbY4D4v", "checkout.session.completed",
                        null, "cs_live_9RBjcHiy2i5p99Tf1MYM90c3SHK1grU0E6Ae6pKWR2KPA4ZiuKiB2X1Y3X",
                        "pi_1IqxJOJDPojXS6LN9uOebAea", new Money(999, "eur"), null, "cus_IhGfebO16cMIGN",
                        "in_1KJqKBJDPojXS6LNJbvLUgEy", null, new PaymentEvent.Amounts(999, 0, 65, 0)),
                only(deliver(fixture("checkout_session_completed"))));
    }

    @Test
    void fixtureInvoicePaid() throws IOException {
        // 2020-03-02: no payment intent or charge on a free-tier invoice, so the invoice is the payment;
        // the period paid for is the line's, not the invoice's period_end
        assertEquals(new PaymentEvent.SubscriptionPaid("stripe", "evt_1KJrGtJDPojXS6LN15fcthM3", "invoice.paid",
                        "in_1KJqKBJDPojXS6LNJbvLUgEy", "sub_JsuPyCPhXWfZar", "in_1KJqKBJDPojXS6LNJbvLUgEy",
                        new Money(0, "usd"), Instant.ofEpochSecond(1645323680), null, null, null, "cus_JsuO3bmrj0QlAw",
                        PaymentEvent.BillingReason.CYCLE, "price_1IDQm5JDPojXS6LNM31hxKzp", null),
                only(deliver(fixture("invoice_paid"))));
    }

    @Test
    void fixtureChargeRefunded() throws IOException {
        assertEquals(new PaymentEvent.PaymentRefunded("stripe", "evt_3KtQThJDPojXS6LN0E06aNxq", "charge.refunded",
                        "re_3Kl36gJDPojXS6LN0eP4yPDz", "pi_3Kl36gJDPojXS6LN02fQVtKR", new Money(2500, "usd")),
                only(deliver(fixture("charge_refunded"))));
    }

    @Test
    void fixtureChargeDisputeCreated() throws IOException {
        assertEquals(new PaymentEvent.DisputeOpened("stripe", "evt_3KtQThJDPojXS6LN0E06aNxq", "charge.dispute.created",
                        "dp_1MLuxQJDPojXS6LNrukJCBBG", "pi_1IqtG9JDPojXS6LNOGnYrIqq", new Money(1000, "usd")),
                only(deliver(fixture("charge_dispute_created"))));
    }

    // --- checkout sessions ----------------------------------------------------------------------------

    @Test
    void checkoutCompletedForAnOrder() {
        ObjectNode event = StripeWebhooks.checkoutSessionCompleted("cs_test_abc", ORDER, "pi_abc", 790, "usd");
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", event.get("id").asText(), "checkout.session.completed", ORDER,
                "cs_test_abc", "pi_abc", new Money(790, "usd"), null, null, null, null, new PaymentEvent.Amounts(790, 0, 65, 0)), only(deliver(event)));
    }

    @Test
    void checkoutOrderIdFallsBackToMetadataAndExpandedIdsAreRead() {
        ObjectNode event = StripeWebhooks.checkoutSessionCompleted("cs_test_abc", ORDER, "pi_abc", 790, "usd");
        ObjectNode session = object(event);
        session.putNull("client_reference_id");
        session.putObject("payment_intent").put("id", "pi_expanded").put("object", "payment_intent");
        session.putObject("customer").put("id", "cus_expanded").put("object", "customer");
        session.put("payment_status", "no_payment_required");
        PaymentEvent.CheckoutPaid paid = (PaymentEvent.CheckoutPaid) only(deliver(event));
        assertEquals(ORDER, paid.orderId());
        assertEquals("pi_expanded", paid.paymentRef());
        assertEquals("cus_expanded", paid.customerRef());
    }

    @Test
    void subscriptionCheckoutWithoutPaymentIntentUsesItsInvoice() {
        ObjectNode event = StripeWebhooks.checkoutSessionCompleted("cs_test_sub", ORDER, null, 4990, "usd");
        ObjectNode session = object(event);
        session.put("mode", "subscription");
        session.putNull("payment_intent");
        session.put("subscription", "sub_1");
        session.put("invoice", "in_1");
        session.put("customer", "cus_1");
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", event.get("id").asText(), "checkout.session.completed", ORDER,
                "cs_test_sub", "in_1", new Money(4990, "usd"), "sub_1", "cus_1", "in_1", null, new PaymentEvent.Amounts(4990, 0, 65, 0)), only(deliver(event)));
    }

    @Test
    void unpaidCompletedCheckoutIsIgnored() {
        ObjectNode event = StripeWebhooks.checkoutSessionCompleted("cs_test_abc", ORDER, "pi_abc", 790, "usd");
        object(event).put("payment_status", "unpaid");
        assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "checkout.session.completed"),
                only(deliver(event)));
    }

    @Test
    void asyncPaymentSucceededFailedAndExpired() {
        ObjectNode session = object(StripeWebhooks.checkoutSessionCompleted("cs_test_async", ORDER, "pi_async", 790, "usd"));
        ObjectNode succeeded = StripeWebhooks.event("checkout.session.async_payment_succeeded", session.deepCopy());
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", succeeded.get("id").asText(),
                "checkout.session.async_payment_succeeded", ORDER, "cs_test_async", "pi_async", new Money(790, "usd"),
                null, null, null, null, new PaymentEvent.Amounts(790, 0, 65, 0)), only(deliver(succeeded)));

        ObjectNode failedSession = session.deepCopy();
        failedSession.put("payment_status", "unpaid");
        failedSession.putNull("client_reference_id"); // order id from metadata
        ObjectNode failed = StripeWebhooks.event("checkout.session.async_payment_failed", failedSession);
        assertEquals(new PaymentEvent.CheckoutClosed("stripe", failed.get("id").asText(),
                "checkout.session.async_payment_failed", ORDER, "cs_test_async", OrderStatus.FAILED), only(deliver(failed)));

        ObjectNode expiredSession = session.deepCopy();
        expiredSession.put("status", "expired");
        expiredSession.put("payment_status", "unpaid");
        ObjectNode expired = StripeWebhooks.event("checkout.session.expired", expiredSession);
        assertEquals(new PaymentEvent.CheckoutClosed("stripe", expired.get("id").asText(), "checkout.session.expired",
                ORDER, "cs_test_async", OrderStatus.EXPIRED), only(deliver(expired)));
    }

    // --- invoices -------------------------------------------------------------------------------------

    private static final Map<String, String> METADATA = Map.of("orderId", ORDER, "userId", "user-42", "productId", "pro");
    private static final long PERIOD_END = 1_750_000_000L;

    @Test
    void invoicePaidForASubscriptionPeriod() {
        ObjectNode event = StripeWebhooks.invoicePaid("in_2", "sub_2", "cus_2", "pi_2", 4990, "usd", PERIOD_END, METADATA);
        assertEquals(new PaymentEvent.SubscriptionPaid("stripe", event.get("id").asText(), "invoice.paid", "in_2", "sub_2",
                "pi_2", new Money(4990, "usd"), Instant.ofEpochSecond(PERIOD_END), ORDER, "user-42", "pro", "cus_2",
                PaymentEvent.BillingReason.CYCLE, null, null),
                only(deliver(event)));
    }

    @Test
    void invoicePaidInTheBasilShape() {
        // API 2025-03-31+: the subscription and its metadata under parent.subscription_details, no
        // payment_intent or charge on the invoice
        ObjectNode event = StripeWebhooks.invoicePaid("in_3", "sub_ignored", "cus_3", null, 1990, "usd", PERIOD_END, Map.of());
        ObjectNode invoice = object(event);
        invoice.remove(List.of("subscription", "subscription_details", "payment_intent", "charge"));
        ((ObjectNode) invoice.get("lines").get("data").get(0)).remove(List.of("subscription", "metadata"));
        invoice.putObject("metadata");
        ObjectNode details = invoice.putObject("parent").put("type", "subscription_details")
                .putObject("subscription_details");
        details.put("subscription", "sub_basil");
        ObjectNode metadata = details.putObject("metadata");
        METADATA.forEach(metadata::put);
        assertEquals(new PaymentEvent.SubscriptionPaid("stripe", event.get("id").asText(), "invoice.paid", "in_3",
                "sub_basil", "in_3", new Money(1990, "usd"), Instant.ofEpochSecond(PERIOD_END), ORDER, "user-42", "pro",
                "cus_3", PaymentEvent.BillingReason.CYCLE, null, null), only(deliver(event)));
    }

    @Test
    void invoicePaidFallbacks() {
        ObjectNode event = StripeWebhooks.invoicePaid("in_4", "sub_4", "cus_4", null, 1990, "usd", PERIOD_END, Map.of());
        ObjectNode invoice = object(event);
        invoice.put("charge", "ch_4");
        invoice.put("subscription", (String) null);
        invoice.putObject("subscription").put("id", "sub_4").put("object", "subscription"); // expanded
        invoice.putObject("metadata").put("orderId", ORDER); // the invoice's own metadata
        invoice.remove("lines");
        PaymentEvent.SubscriptionPaid paid = (PaymentEvent.SubscriptionPaid) only(deliver(event));
        assertEquals("sub_4", paid.subscriptionId());
        assertEquals("ch_4", paid.paymentRef());
        assertEquals(Instant.ofEpochSecond(invoice.get("period_end").asLong()), paid.periodEnd());
        assertEquals(ORDER, paid.orderId());
        assertEquals(null, paid.userId());
    }

    @Test
    void invoicePaidWithoutSubscriptionIsIgnored() {
        ObjectNode event = StripeWebhooks.invoicePaid("in_5", "sub_5", "cus_5", "pi_5", 500, "usd", PERIOD_END, Map.of());
        object(event).putNull("subscription");
        assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "invoice.paid"), only(deliver(event)));
    }

    @Test
    void fixtureInvoicePaymentFailedMarksTheSubscriptionPastDue() throws IOException {
        // the fixtures have no invoice.payment_failed event: the invoice.paid fixture as Stripe sends it when the
        // renewal's payment fails (same invoice, not paid, attempted, left open for the next retry).
        ObjectNode event = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(fixture("invoice_paid"));
        event.put("id", "evt_failed_1KJqKBJDPojXS6LN");
        event.put("type", "invoice.payment_failed");
        ObjectNode invoice = object(event);
        invoice.put("paid", false);
        invoice.put("status", "open");
        invoice.put("attempted", true);
        invoice.put("amount_paid", 0);
        invoice.put("attempt_count", 1);
        assertEquals("subscription_cycle", invoice.get("billing_reason").asText());
        assertEquals(new PaymentEvent.SubscriptionChanged("stripe", "evt_failed_1KJqKBJDPojXS6LN", "invoice.payment_failed",
                        "sub_JsuPyCPhXWfZar", "past_due", null, null),
                stateOnly(only(deliver(event))));
    }

    @Test
    void invoicePaymentFailedOnBasilNamesTheSubscriptionUnderParent() {
        ObjectNode event = StripeWebhooks.event("invoice.payment_failed",
                object(StripeWebhooks.invoicePaid("in_6", "sub_6", "cus_6", "pi_6", 500, "usd", PERIOD_END, Map.of())));
        object(event).remove("subscription");
        object(event).putObject("parent").putObject("subscription_details").put("subscription", "sub_6");
        assertEquals(new PaymentEvent.SubscriptionChanged("stripe", event.get("id").asText(), "invoice.payment_failed",
                "sub_6", "past_due", null, null), stateOnly(only(deliver(event))));
    }

    @Test
    void aFailedFirstInvoiceOrOneOffInvoiceIsAcknowledgedOnly() {
        ObjectNode first = StripeWebhooks.event("invoice.payment_failed",
                object(StripeWebhooks.invoicePaid("in_7", "sub_7", "cus_7", "pi_7", 500, "usd", PERIOD_END, Map.of())));
        object(first).put("billing_reason", "subscription_create"); // the subscription is incomplete, not past due
        assertEquals(new PaymentEvent.Ignored("stripe", first.get("id").asText(), "invoice.payment_failed"),
                only(deliver(first)));
        ObjectNode oneOff = StripeWebhooks.event("invoice.payment_failed",
                object(StripeWebhooks.invoicePaid("in_8", "sub_8", "cus_8", "pi_8", 500, "usd", PERIOD_END, Map.of())));
        object(oneOff).putNull("subscription");
        object(oneOff).put("billing_reason", "manual");
        assertEquals(new PaymentEvent.Ignored("stripe", oneOff.get("id").asText(), "invoice.payment_failed"),
                only(deliver(oneOff)));
    }

    // --- subscriptions --------------------------------------------------------------------------------

    @Test
    void subscriptionUpdatedAndDeleted() {
        ObjectNode updated = StripeWebhooks.subscriptionEvent("customer.subscription.updated", "sub_7", "cus_7", "active",
                PERIOD_END, true);
        assertEquals(new PaymentEvent.SubscriptionChanged("stripe", updated.get("id").asText(),
                "customer.subscription.updated", "sub_7", "active", Instant.ofEpochSecond(PERIOD_END), true),
                stateOnly(only(deliver(updated))));

        ObjectNode deleted = StripeWebhooks.subscriptionEvent("customer.subscription.deleted", "sub_7", "cus_7", "canceled",
                PERIOD_END, false);
        assertEquals(new PaymentEvent.SubscriptionChanged("stripe", deleted.get("id").asText(),
                "customer.subscription.deleted", "sub_7", "canceled", Instant.ofEpochSecond(PERIOD_END), false),
                stateOnly(only(deliver(deleted))));
    }

    @Test
    void subscriptionPeriodEndFromItemsAndCancelAt() {
        ObjectNode event = StripeWebhooks.subscriptionEvent("customer.subscription.updated", "sub_8", "cus_8", "past_due",
                PERIOD_END, false);
        object(event).remove("current_period_end"); // basil: only on the items
        PaymentEvent.SubscriptionChanged changed = (PaymentEvent.SubscriptionChanged) only(deliver(event));
        assertEquals(Instant.ofEpochSecond(PERIOD_END), changed.currentPeriodEnd());
        assertEquals("past_due", changed.status());
        assertEquals(false, changed.cancelAtPeriodEnd());

        object(event).put("cancel_at", PERIOD_END); // newer portal cancellations set cancel_at instead
        assertEquals(true, ((PaymentEvent.SubscriptionChanged) only(deliver(event))).cancelAtPeriodEnd());
    }

    // --- refunds and disputes -------------------------------------------------------------------------

    @Test
    void aRefundThatFailsLaterBecomesRefundFailedUnderEveryTypeStripeUses() {
        for (String type : List.of("charge.refund.updated", "refund.failed", "refund.updated")) {
            ObjectNode event = StripeWebhooks.refundFailed(type, "re_f1", "ch_f1", "pi_f1", 500, "usd");
            assertEquals(new PaymentEvent.RefundFailed("stripe", event.get("id").asText(), type, "re_f1", "pi_f1"),
                    only(deliver(event)), type);
        }
    }

    @Test
    void aRefundUpdateThatIsNotAFailureIsIgnored() {
        ObjectNode event = StripeWebhooks.event("charge.refund.updated",
                StripeWebhooks.refundObject("re_f2", "ch_f2", "pi_f2", 500, "usd"));
        assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "charge.refund.updated"),
                only(deliver(event)));
    }

    @Test
    void chargeRefundedWithTwoRefundsIsTwoEvents() {
        ObjectNode event = StripeWebhooks.chargeRefunded("ch_9", "pi_9", 4990, "usd",
                new StripeWebhooks.Refund("re_9a", 1000), new StripeWebhooks.Refund("re_9b", 2000));
        String id = event.get("id").asText();
        assertEquals(List.of(
                new PaymentEvent.PaymentRefunded("stripe", id, "charge.refunded", "re_9a", "pi_9", new Money(1000, "usd")),
                new PaymentEvent.PaymentRefunded("stripe", id, "charge.refunded", "re_9b", "pi_9", new Money(2000, "usd"))),
                deliver(event));
    }

    @Test
    void chargeRefundedSkipsFailedRefundsAndFallsBackToTheCharge() {
        ObjectNode event = StripeWebhooks.chargeRefunded("ch_10", null, 4990, "usd",
                new StripeWebhooks.Refund("re_10a", 1000), new StripeWebhooks.Refund("re_10b", 2000));
        ((ObjectNode) object(event).get("refunds").get("data").get(0)).put("status", "failed");
        ((ObjectNode) object(event).get("refunds").get("data").get(1)).remove("currency"); // the charge's currency
        assertEquals(new PaymentEvent.PaymentRefunded("stripe", event.get("id").asText(), "charge.refunded", "re_10b",
                "ch_10", new Money(2000, "usd")), only(deliver(event)));
    }

    @Test
    void chargeRefundedWithoutItsRefundsListIsIgnored() {
        // API 2022-11-15+ leave the list out; the charge's amount_refunded total is never used
        ObjectNode event = StripeWebhooks.chargeRefunded("ch_11", "pi_11", 4990, "usd", new StripeWebhooks.Refund("re_11", 4990));
        object(event).remove("refunds");
        assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "charge.refunded"), only(deliver(event)));
    }

    @Test
    void refundCreated() {
        ObjectNode event = StripeWebhooks.refundCreated("re_12", "ch_12", "pi_12", 1500, "usd");
        assertEquals(new PaymentEvent.PaymentRefunded("stripe", event.get("id").asText(), "refund.created", "re_12",
                "pi_12", new Money(1500, "usd")), only(deliver(event)));

        object(event).putNull("payment_intent");
        assertEquals("ch_12", ((PaymentEvent.PaymentRefunded) only(deliver(event))).paymentRef());
        object(event).putObject("charge").put("id", "ch_expanded");
        assertEquals("ch_expanded", ((PaymentEvent.PaymentRefunded) only(deliver(event))).paymentRef());
    }

    @Test
    void failedOrCanceledRefundIsIgnored() {
        for (String status : List.of("failed", "canceled")) {
            ObjectNode event = StripeWebhooks.refundCreated("re_13", "ch_13", "pi_13", 1500, "usd");
            object(event).put("status", status);
            assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "refund.created"), only(deliver(event)));
        }
    }

    @Test
    void disputeCreatedAndClosed() {
        ObjectNode created = StripeWebhooks.disputeCreated("dp_14", "ch_14", "pi_14", 4990, "usd");
        assertEquals(new PaymentEvent.DisputeOpened("stripe", created.get("id").asText(), "charge.dispute.created", "dp_14",
                "pi_14", new Money(4990, "usd")), only(deliver(created)));

        ObjectNode won = StripeWebhooks.disputeClosed("dp_14", "ch_14", "pi_14", 4990, "usd", "won");
        assertEquals(new PaymentEvent.DisputeClosed("stripe", won.get("id").asText(), "charge.dispute.closed", "dp_14",
                "pi_14", true), only(deliver(won)));

        ObjectNode lost = StripeWebhooks.disputeClosed("dp_14", "ch_14", null, 4990, "usd", "lost");
        assertEquals(new PaymentEvent.DisputeClosed("stripe", lost.get("id").asText(), "charge.dispute.closed", "dp_14",
                "ch_14", false), only(deliver(lost)));

        ObjectNode inquiry = StripeWebhooks.disputeClosed("dp_15", "ch_15", "pi_15", 4990, "usd", "warning_closed");
        assertEquals(true, ((PaymentEvent.DisputeClosed) only(deliver(inquiry))).won());
    }

    @Test
    void unknownTypeIsIgnored() {
        ObjectNode event = StripeWebhooks.event("customer.created", StripeFixtures.object("customer"));
        assertEquals(new PaymentEvent.Ignored("stripe", event.get("id").asText(), "customer.created"), only(deliver(event)));
        ObjectNode payment = StripeWebhooks.event("payment_intent.succeeded", StripeFixtures.object("payment_intent"));
        assertEquals(new PaymentEvent.Ignored("stripe", payment.get("id").asText(), "payment_intent.succeeded"),
                only(deliver(payment)));
    }

    // --- signatures -----------------------------------------------------------------------------------

    @Test
    void ourSignatureIsStripes() throws Exception {
        String payload = fixture("charge_refunded");
        assertTrue(Webhook.Signature.verifyHeader(payload, StripeWebhooks.signature(payload, SECRET, TS), SECRET, 300,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void forgedSignatureIsRefused() throws IOException {
        String payload = fixture("checkout_session_completed");
        Map<String, String> headers = Map.of("stripe-signature", "t=" + TS + ",v1=" + "ab".repeat(32));
        assertThrows(InvalidSignatureException.class, () -> provider.parseWebhook(headers, payload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wrongSecretIsRefused() throws IOException {
        String payload = fixture("checkout_session_completed");
        Map<String, String> headers = StripeWebhooks.headers(payload, "whsec_someone_else", TS);
        InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
                () -> provider.parseWebhook(headers, payload.getBytes(StandardCharsets.UTF_8)));
        assertEquals("invalid_signature", e.code());
        assertTrue(!e.getMessage().contains(SECRET));
    }

    @Test
    void timestampOlderThanFiveMinutesIsRefused() throws IOException {
        String payload = fixture("invoice_paid");
        Map<String, String> old = StripeWebhooks.headers(payload, SECRET, NOW.getEpochSecond() - 301);
        assertThrows(InvalidSignatureException.class, () -> provider.parseWebhook(old, payload.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> justInTime = StripeWebhooks.headers(payload, SECRET, NOW.getEpochSecond() - 299);
        assertEquals(1, provider.parseWebhook(justInTime, payload.getBytes(StandardCharsets.UTF_8)).size());
    }

    @Test
    void alteredBodyIsRefused() throws IOException {
        String payload = fixture("charge_refunded");
        Map<String, String> headers = StripeWebhooks.headers(payload, SECRET, TS);
        String altered = payload.replace("\"amount\": 2500", "\"amount\": 250000");
        assertTrue(!altered.equals(payload));
        assertThrows(InvalidSignatureException.class, () -> provider.parseWebhook(headers, altered.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void missingOrMalformedHeaderIsRefused() throws IOException {
        byte[] body = fixture("charge_refunded").getBytes(StandardCharsets.UTF_8);
        assertThrows(InvalidSignatureException.class, () -> provider.parseWebhook(Map.of(), body));
        assertThrows(InvalidSignatureException.class, () -> provider.parseWebhook(null, body));
        for (String header : List.of("", "garbage", "t=abc,v1=00", "v1=" + "ab".repeat(32), "t=" + TS, "t=" + TS + ",v0=00")) {
            assertThrows(InvalidSignatureException.class,
                    () -> provider.parseWebhook(Map.of("stripe-signature", header), body), header);
        }
        assertThrows(InvalidSignatureException.class,
                () -> provider.parseWebhook(StripeWebhooks.headers("", SECRET, TS), new byte[0]));
    }

    @Test
    void headerNameCaseDoesNotMatterAndSeveralSignaturesAreAccepted() throws IOException {
        String payload = fixture("charge_dispute_created");
        Map<String, String> headers = new HashMap<>();
        // during secret rotation Stripe sends one v1 per secret
        headers.put("Stripe-Signature", StripeWebhooks.signature(payload, "whsec_old", TS) + ",v1="
                + StripeWebhooks.signature(payload, SECRET, TS).split("v1=")[1]);
        assertEquals(1, provider.parseWebhook(headers, payload.getBytes(StandardCharsets.UTF_8)).size());
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
