package dev.prepaid.adapter.out.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.MutableClock;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MockPaymentProviderTest {
    static final String SECRET = "mock_whsec_local_0123456789";
    static final Instant NOW = Instant.parse("2025-01-31T10:00:00Z");
    static final String PAGE_BASE = "http://127.0.0.1:3000/mock/checkout";

    final ProductCatalog catalog = ProductCatalog.parse(ProductCatalog.DEFAULTS + """
            evil.name = <b>Evil & "co"</b>
            evil.price = 1.00
            evil.credits = 1
            evil.type = one_time
            """);
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    WebhookReceiver receiver;
    MockPaymentProvider mock;
    MockCheckoutActions actions;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        mock = new MockPaymentProvider(new InMemoryMockCheckouts(), catalog, SECRET, PAGE_BASE + "/", receiver.url(),
                HttpClient.newHttpClient(), clock);
        actions = mock.actions();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    Order order(String productId) {
        return Order.pending(OrderId.random(), new UserId("user-9"), catalog.require(productId), "mock", NOW);
    }

    CheckoutSession create(Order order) {
        String callback = "http://127.0.0.1:3000/api/payment/callback?orderId=" + order.orderId();
        return mock.createCheckout(order, catalog.require(order.productId()), callback, callback + "&canceled=1");
    }

    /** What our webhook route would do with each delivery: verify and translate. */
    List<PaymentEvent> received() {
        return receiver.deliveries().stream()
                .map(d -> {
                    assertEquals("POST", d.method());
                    assertEquals("/api/payment/webhook/mock", d.path());
                    assertEquals("application/json", d.headers().get("content-type"));
                    List<PaymentEvent> events = mock.parseWebhook(d.headers(), d.body());
                    assertEquals(1, events.size());
                    return events.get(0);
                })
                .toList();
    }

    static String hex(String checkoutId) {
        return checkoutId.substring("mock_cs_".length());
    }

    @Test
    void createCheckoutIsOpenOnTheHostedPage() {
        Order order = order("trial");
        CheckoutSession session = create(order);

        assertTrue(session.checkoutId().matches("mock_cs_[0-9a-f]{24}"), session.checkoutId());
        assertEquals(PAGE_BASE + "/" + session.checkoutId(), session.url());
        assertEquals(new CheckoutState(session.checkoutId(), CheckoutState.Status.OPEN, null),
                mock.fetchCheckout(session.checkoutId()));
        assertTrue(receiver.deliveries().isEmpty());
        assertEquals("mock", mock.name());
    }

    @Test
    void payDeliversASignedCheckoutCompletedForTheOrder() {
        Order order = order("trial");
        CheckoutSession session = create(order);
        String id = session.checkoutId();

        String redirect = actions.pay(id);

        assertEquals("http://127.0.0.1:3000/api/payment/callback?orderId=" + order.orderId() + "&session_id=" + id,
                redirect);
        assertEquals(1, receiver.deliveries().size());
        String signature = receiver.deliveries().get(0).headers().get("mock-signature");
        assertTrue(signature.matches("t=" + NOW.getEpochSecond() + ",v1=[0-9a-f]{64}"), signature);
        PaymentEvent.CheckoutPaid expected = new PaymentEvent.CheckoutPaid("mock", "mock_evt_" + hex(id) + "_completed",
                "checkout.completed", order.orderId().value(), id, "mock_pi_" + hex(id), new Money(790, "usd"), null,
                "mock_cus_" + hex(id), null, null);
        assertEquals(List.of(expected), received());

        CheckoutState state = mock.fetchCheckout(id);
        assertEquals(CheckoutState.Status.PAID, state.status());
        assertEquals(new PaymentEvent.CheckoutPaid("mock", "fetch:" + id, "checkout.fetched", order.orderId().value(),
                id, "mock_pi_" + hex(id), new Money(790, "usd"), null, "mock_cus_" + hex(id), null, null), state.paid());
    }

    @Test
    void payingASubscriptionAlsoDeliversTheFirstInvoiceUnderTheSameKey() {
        Order order = order("pro");
        String id = create(order).checkoutId();

        actions.pay(id);

        String invoice = "mock_in_" + id + "-1";
        Instant periodEnd = Instant.parse("2025-02-28T10:00:00Z");
        assertEquals(List.of(
                new PaymentEvent.CheckoutPaid("mock", "mock_evt_" + hex(id) + "_completed", "checkout.completed",
                        order.orderId().value(), id, "mock_pi_" + hex(id), new Money(4990, "usd"),
                        "mock_sub_" + hex(id), "mock_cus_" + hex(id), invoice, periodEnd),
                new PaymentEvent.SubscriptionPaid("mock", "mock_evt_" + hex(id) + "_invoice_1", "invoice.paid", invoice,
                        "mock_sub_" + hex(id), "mock_pi_" + hex(id), new Money(4990, "usd"), periodEnd,
                        order.orderId().value(), "user-9", "pro", "mock_cus_" + hex(id))), received());
        PaymentEvent.CheckoutPaid fetched = mock.fetchCheckout(id).paid();
        assertEquals(invoice, fetched.invoiceRef());
        assertEquals("mock_sub_" + hex(id), fetched.subscriptionId());
        assertEquals(periodEnd, fetched.periodEnd());
    }

    @Test
    void payingAgainRedeliversTheSameEvents() {
        String id = create(order("trial")).checkoutId();
        actions.pay(id);
        actions.pay(id);

        List<PaymentEvent> events = received();
        assertEquals(2, events.size());
        assertEquals(events.get(0), events.get(1));
    }

    @Test
    void cancelDeliversCheckoutExpiredAndReturnsTheCancelUrl() {
        Order order = order("basic");
        String id = create(order).checkoutId();

        String redirect = actions.cancel(id);

        assertEquals("http://127.0.0.1:3000/api/payment/callback?orderId=" + order.orderId() + "&canceled=1", redirect);
        assertEquals(List.of(new PaymentEvent.CheckoutClosed("mock", "mock_evt_" + hex(id) + "_expired",
                "checkout.expired", order.orderId().value(), id, OrderStatus.EXPIRED)), received());
        assertEquals(new CheckoutState(id, CheckoutState.Status.EXPIRED, null), mock.fetchCheckout(id));
        assertEquals("checkout_closed", assertThrows(ValidationException.class, () -> actions.pay(id)).code());
    }

    @Test
    void aPaidCheckoutCannotBeCanceled() {
        String id = create(order("trial")).checkoutId();
        actions.pay(id);
        assertThrows(ValidationException.class, () -> actions.cancel(id));
        assertEquals(CheckoutState.Status.PAID, mock.fetchCheckout(id).status());
    }

    @Test
    void renewDeliversTheNextPeriodsInvoice() {
        Order order = order("basic");
        String id = create(order).checkoutId();
        actions.pay(id);
        receiver.clear();

        String invoice = actions.renew("mock_sub_" + hex(id), 2);

        assertEquals("mock_in_" + id + "-2", invoice);
        assertEquals(List.of(new PaymentEvent.SubscriptionPaid("mock", "mock_evt_" + hex(id) + "_invoice_2",
                "invoice.paid", "mock_in_" + id + "-2", "mock_sub_" + hex(id), "mock_pi_" + hex(id) + "_2",
                new Money(1990, "usd"), Instant.parse("2025-03-31T10:00:00Z"), order.orderId().value(), "user-9",
                "basic", "mock_cus_" + hex(id))), received());
    }

    @Test
    void renewingWhatIsNotAPaidSubscriptionIsRefused() {
        String open = create(order("basic")).checkoutId();
        String oneTime = create(order("trial")).checkoutId();
        actions.pay(oneTime);

        assertThrows(NotFoundException.class, () -> actions.renew("mock_sub_" + hex(open), 2));
        assertThrows(NotFoundException.class, () -> actions.renew("mock_sub_" + hex(oneTime), 2));
        assertThrows(NotFoundException.class, () -> actions.renew("sub_elsewhere", 2));
        assertThrows(ValidationException.class, () -> actions.renew("mock_sub_" + hex(open), 0));
    }

    @Test
    void refundDeliversRefundCreatedWithAFreshId() {
        String id = create(order("trial")).checkoutId();
        actions.pay(id);
        receiver.clear();

        String first = actions.refund("mock_pi_" + hex(id), new Money(300, "usd"));
        String second = actions.refund("mock_pi_" + hex(id), new Money(490, "usd"));

        assertTrue(first.matches("mock_re_[0-9a-f]{24}"), first);
        assertFalse(first.equals(second));
        List<PaymentEvent> events = received();
        PaymentEvent.PaymentRefunded refunded = assertInstanceOf(PaymentEvent.PaymentRefunded.class, events.get(0));
        assertEquals(new PaymentEvent.PaymentRefunded("mock", refunded.eventId(), "refund.created", first,
                "mock_pi_" + hex(id), new Money(300, "usd")), refunded);
        assertTrue(refunded.eventId().startsWith("mock_evt_"));
        assertEquals(second, ((PaymentEvent.PaymentRefunded) events.get(1)).refundRef());
        assertFalse(refunded.eventId().equals(events.get(1).eventId()));
    }

    @Test
    void disputeOpenedAndClosed() {
        String id = create(order("trial")).checkoutId();
        actions.pay(id);
        receiver.clear();

        String dispute = actions.dispute("mock_pi_" + hex(id), new Money(790, "usd"));
        actions.closeDispute(dispute, "mock_pi_" + hex(id), true);
        actions.closeDispute(dispute, "mock_pi_" + hex(id), false);

        List<PaymentEvent> events = received();
        assertEquals(new PaymentEvent.DisputeOpened("mock", events.get(0).eventId(), "dispute.created", dispute,
                "mock_pi_" + hex(id), new Money(790, "usd")), events.get(0));
        assertEquals(new PaymentEvent.DisputeClosed("mock", events.get(1).eventId(), "dispute.closed", dispute,
                "mock_pi_" + hex(id), true), events.get(1));
        assertEquals(new PaymentEvent.DisputeClosed("mock", events.get(2).eventId(), "dispute.closed", dispute,
                "mock_pi_" + hex(id), false), events.get(2));
    }

    @Test
    void aFailedDeliveryIsProviderUnavailable() {
        String id = create(order("trial")).checkoutId();
        receiver.answer(500);

        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> actions.pay(id));
        assertEquals("mock webhook delivery answered HTTP 500", e.getMessage());
        // the checkout is paid; paying again redelivers once the route is back
        receiver.answer(200);
        receiver.clear();
        actions.pay(id);
        assertEquals(1, received().size());
    }

    @Test
    void unknownCheckouts() {
        assertThrows(NotFoundException.class, () -> actions.pay("mock_cs_000000000000000000000000"));
        assertThrows(NotFoundException.class, () -> actions.cancel("mock_cs_000000000000000000000000"));
        assertThrows(NotFoundException.class, () -> actions.page("mock_cs_000000000000000000000000"));
        assertEquals(CheckoutState.Status.EXPIRED, mock.fetchCheckout("mock_cs_000000000000000000000000").status());
    }

    // ----- signatures ------------------------------------------------------------------------------

    byte[] body(String type) {
        return ("{\"id\":\"mock_evt_1\",\"type\":\"" + type + "\",\"created\":1,\"data\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    Map<String, String> signedAt(Instant at, byte[] body, String secret) {
        return Map.of("mock-signature", MockWebhooks.signatureHeader(secret, at.getEpochSecond(), body));
    }

    @Test
    void theSignatureToleranceIs300Seconds() {
        byte[] body = body("something.else");
        assertEquals(List.of(new PaymentEvent.Ignored("mock", "mock_evt_1", "something.else")),
                mock.parseWebhook(signedAt(NOW.minusSeconds(300), body, SECRET), body));
        assertEquals(List.of(new PaymentEvent.Ignored("mock", "mock_evt_1", "something.else")),
                mock.parseWebhook(signedAt(NOW.plusSeconds(299), body, SECRET), body));
        assertThrows(InvalidSignatureException.class,
                () -> mock.parseWebhook(signedAt(NOW.minusSeconds(301), body, SECRET), body));
        assertThrows(InvalidSignatureException.class,
                () -> mock.parseWebhook(signedAt(NOW.plusSeconds(301), body, SECRET), body));
    }

    @Test
    void aChangedBodyAWrongSecretOrAMissingHeaderDoesNotVerify() {
        byte[] body = body("refund.created");
        Map<String, String> headers = signedAt(NOW, body, SECRET);
        byte[] changed = body("dispute.closed");

        assertThrows(InvalidSignatureException.class, () -> mock.parseWebhook(headers, changed));
        assertThrows(InvalidSignatureException.class,
                () -> mock.parseWebhook(signedAt(NOW, body, "another_secret_entirely"), body));
        assertThrows(InvalidSignatureException.class, () -> mock.parseWebhook(Map.of(), body));
        assertThrows(InvalidSignatureException.class,
                () -> mock.parseWebhook(Map.of("mock-signature", "v1=" + "0".repeat(64)), body));
        assertThrows(InvalidSignatureException.class,
                () -> mock.parseWebhook(Map.of("mock-signature", "t=" + NOW.getEpochSecond()), body));
        // the timestamp is signed too: moving it breaks the signature
        String moved = headers.get("mock-signature").replace("t=" + NOW.getEpochSecond(), "t=" + (NOW.getEpochSecond() + 1));
        assertThrows(InvalidSignatureException.class, () -> mock.parseWebhook(Map.of("mock-signature", moved), body));
    }

    @Test
    void anyOfSeveralSignaturesMayVerify() {
        byte[] body = body("x");
        String good = MockWebhooks.signatureHeader(SECRET, NOW.getEpochSecond(), body);
        String header = "t=" + NOW.getEpochSecond() + ",v1=" + "a".repeat(64) + "," + good.substring(good.indexOf("v1="));
        assertEquals(1, mock.parseWebhook(Map.of("mock-signature", header), body).size());
    }

    @Test
    void aSignedMalformedEventIsRefused() {
        byte[] notJson = "nope".getBytes(StandardCharsets.UTF_8);
        assertThrows(ValidationException.class, () -> mock.parseWebhook(signedAt(NOW, notJson, SECRET), notJson));
        byte[] noAmount = "{\"id\":\"e\",\"type\":\"refund.created\",\"data\":{\"refund_id\":\"r\",\"payment_ref\":\"p\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("invalid_webhook", assertThrows(ValidationException.class,
                () -> mock.parseWebhook(signedAt(NOW, noAmount, SECRET), noAmount)).code());
    }

    // ----- page, subscription, configuration -------------------------------------------------------

    @Test
    void theHostedPageShowsTheProductAndPostsPayAndCancel() {
        String id = create(order("pro")).checkoutId();
        String page = actions.page(id);

        assertTrue(page.startsWith("<!doctype html>"));
        assertTrue(page.contains("<h1>Pro</h1>"), page);
        assertTrue(page.contains("49.90 USD / month"), page);
        assertTrue(page.contains("action=\"" + PAGE_BASE + "/" + id + "/pay\""), page);
        assertTrue(page.contains("action=\"" + PAGE_BASE + "/" + id + "/cancel\""), page);
        assertFalse(page.contains("<script"));

        actions.pay(id);
        String paid = actions.page(id);
        assertFalse(paid.contains("/pay\""));
        assertTrue(paid.contains("paid"));
    }

    @Test
    void theHostedPageEscapesTheProductName() {
        String page = actions.page(create(order("evil")).checkoutId());
        assertTrue(page.contains("&lt;b&gt;Evil &amp; &quot;co&quot;&lt;/b&gt;"), page);
        assertFalse(page.contains("<b>Evil"));
    }

    @Test
    void cancelSubscriptionAndBillingPortal() {
        Subscription subscription = new Subscription(new UserId("user-9"), "mock", "mock_sub_ab", "pro", "active",
                Instant.parse("2025-02-28T10:00:00Z"), false, "mock_cus_ab", NOW.minusSeconds(60));

        assertEquals(new Subscription(subscription.userId(), "mock", "mock_sub_ab", "pro", "active",
                subscription.currentPeriodEnd(), true, "mock_cus_ab", NOW), mock.cancelSubscription(subscription, true));
        assertEquals(new Subscription(subscription.userId(), "mock", "mock_sub_ab", "pro", "canceled",
                subscription.currentPeriodEnd(), false, "mock_cus_ab", NOW), mock.cancelSubscription(subscription, false));
        assertEquals("http://127.0.0.1:3000/account", mock.billingPortalUrl(subscription, "http://127.0.0.1:3000/account"));
    }

    @Test
    void toStringMasksTheSecret() {
        assertFalse(mock.toString().contains(SECRET), mock.toString());
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MOCK_WEBHOOK_SECRET", SECRET);
        return env;
    }

    @Test
    void productionRefusesTheMock() {
        Map<String, String> env = env();
        env.put("PAYMENT_ENV", "production");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog, null, null));
        assertTrue(e.getMessage().contains("production"), e.getMessage());
        env.put("PAYMENT_ENV", "Production");
        assertThrows(IllegalStateException.class,
                () -> MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog, null, null));
    }

    @Test
    void theWebhookSecretIsRequiredAndNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(Map.of()), catalog, null, null));
        assertEquals("missing required environment variable MOCK_WEBHOOK_SECRET", e.getMessage());
    }

    @Test
    void fromEnvUsesTheConfiguredUrls() {
        Map<String, String> env = env();
        env.put("PAYMENT_ENV", "dev");
        env.put("MOCK_CHECKOUT_URL", "http://localhost:4000/pay");
        env.put("MOCK_WEBHOOK_URL", receiver.url().toString());
        MockPaymentProvider fromEnv = MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog,
                null, null);
        // fromEnv's clock is the system's: an order made now (one made at NOW would be long expired)
        Order order = Order.pending(OrderId.random(), new UserId("user-9"), catalog.require("trial"), "mock",
                Instant.now());
        CheckoutSession session = fromEnv.createCheckout(order, catalog.require("trial"), "http://x.example/?a=1", null);
        assertEquals("http://localhost:4000/pay/" + session.checkoutId(), session.url());
        fromEnv.actions().pay(session.checkoutId());
        PaymentEvent event = fromEnv.parseWebhook(receiver.deliveries().get(0).headers(),
                receiver.deliveries().get(0).body()).get(0);
        assertEquals(order.orderId().value(), ((PaymentEvent.CheckoutPaid) event).orderId());

        MockPaymentProvider defaults = MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env()), catalog,
                null, null);
        assertEquals(MockPaymentProvider.DEFAULT_CHECKOUT_URL, defaults.hostedPageBase());
        assertEquals(MockPaymentProvider.DEFAULT_WEBHOOK_URL, defaults.webhookUrl().toString());

        env.put("MOCK_WEBHOOK_URL", "ftp://nope");
        assertThrows(IllegalStateException.class,
                () -> MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog, null, null));
    }

    // --- checkout lifetime ---------------------------------------------------------------------------

    @Test
    void aCheckoutIsOpenUntilTheLifetimeAfterItsOrderThenExpiredAndCannotBePaid() {
        MutableClock time = new MutableClock(NOW);
        MockPaymentProvider timed = new MockPaymentProvider(new InMemoryMockCheckouts(), catalog, SECRET, PAGE_BASE,
                receiver.url(), HttpClient.newHttpClient(), time, CheckoutLifetime.ofMinutes(45));
        // the order was made 10 minutes before its checkout: the expiry counts from the order
        Order order = Order.pending(OrderId.random(), new UserId("user-9"), catalog.require("trial"), "mock",
                NOW.minus(Duration.ofMinutes(10)));
        String id = timed.createCheckout(order, catalog.require("trial"), "http://127.0.0.1:3000/cb", null).checkoutId();
        assertEquals(NOW.plus(Duration.ofMinutes(35)), timed.checkouts().find(id).orElseThrow().expiresAt());

        time.set(NOW.plus(Duration.ofMinutes(35)).minusSeconds(1));
        assertEquals(CheckoutState.Status.OPEN, timed.fetchCheckout(id).status());
        assertTrue(timed.actions().page(id).contains("/pay\""), "still payable on the hosted page");

        time.set(NOW.plus(Duration.ofMinutes(35)));
        assertEquals(new CheckoutState(id, CheckoutState.Status.EXPIRED, null), timed.fetchCheckout(id));
        ValidationException refused = assertThrows(ValidationException.class, () -> timed.actions().pay(id));
        assertEquals("checkout_expired", refused.code());
        assertTrue(refused.getMessage().contains("expired at " + NOW.plus(Duration.ofMinutes(35))), refused.getMessage());
        assertTrue(receiver.deliveries().isEmpty(), "nothing paid, nothing delivered");
        assertEquals(MockCheckout.Status.OPEN, timed.checkouts().find(id).orElseThrow().status());
        String page = timed.actions().page(id);
        assertTrue(page.contains("This checkout expired"), page);
        assertFalse(page.contains("/pay\""), "no Pay button on an expired checkout");
    }

    @Test
    void aCheckoutPaidInTimeStaysPaidAfterTheLifetime() {
        MutableClock time = new MutableClock(NOW);
        MockPaymentProvider timed = new MockPaymentProvider(new InMemoryMockCheckouts(), catalog, SECRET, PAGE_BASE,
                receiver.url(), HttpClient.newHttpClient(), time, CheckoutLifetime.DEFAULT);
        String id = timed.createCheckout(order("trial"), catalog.require("trial"), "http://127.0.0.1:3000/cb", null)
                .checkoutId();
        timed.actions().pay(id);

        time.advance(Duration.ofHours(5));

        assertEquals(CheckoutState.Status.PAID, timed.fetchCheckout(id).status());
        timed.actions().pay(id); // a repeated pay re-delivers, as before
        assertEquals(2, receiver.deliveries().size());
    }

    @Test
    void theDefaultLifetimeIsAnHourAndFromEnvRefusesALifetimeOutOfRange() {
        String id = create(order("trial")).checkoutId();
        assertEquals(NOW.plus(Duration.ofMinutes(60)), mock.checkouts().find(id).orElseThrow().expiresAt());

        Map<String, String> env = env();
        env.put("CHECKOUT_LIFETIME_MINUTES", "30");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog, null, null));
        assertTrue(e.getMessage().startsWith("CHECKOUT_LIFETIME_MINUTES must be a whole number of minutes from 35 to 1440"),
                e.getMessage());

        env.put("CHECKOUT_LIFETIME_MINUTES", "120");
        MockPaymentProvider fromEnv = MockPaymentProvider.fromEnv(new dev.prepaid.adapter.config.Env(env), catalog,
                null, null);
        Order order = order("trial");
        String other = fromEnv.createCheckout(order, catalog.require("trial"), "http://x.example/", null).checkoutId();
        assertEquals(NOW.plus(Duration.ofMinutes(120)), fromEnv.checkouts().find(other).orElseThrow().expiresAt());
        assertEquals(CheckoutState.Status.EXPIRED, fromEnv.fetchCheckout(other).status(),
                "fromEnv's clock is the system's: an order made at " + NOW + " is long past its lifetime");
    }
}
