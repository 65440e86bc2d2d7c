package dev.prepaid.adapter.out.provider.creem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.creem.FakeCreem;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreemPaymentProviderTest {
    static final String API_KEY = "creem_test_4f9Qk2LmX7pZrT1v";
    static final String WEBHOOK_SECRET = "whsec_creem_8d7c6b5a4e3f2a1b";
    static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
    static final Map<String, String> PRODUCT_IDS =
            Map.of("trial", "prod_trial_1", "basic", "prod_basic_1", "pro", "prod_pro_1");

    final ProductCatalog catalog = ProductCatalog.defaults();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    FakeCreem fake;
    CreemPaymentProvider creem;

    @BeforeEach
    void start() {
        fake = fakeWithProducts(clock);
        creem = new CreemPaymentProvider(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                fake.baseUrl(), API_KEY, WEBHOOK_SECRET, PRODUCT_IDS, clock);
    }

    static FakeCreem fakeWithProducts(Clock clock) {
        return new FakeCreem(API_KEY, clock)
                .product("prod_trial_1", 790, "usd", false)
                .product("prod_basic_1", 1990, "usd", true)
                .product("prod_pro_1", 4990, "usd", true);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    Order order(String productId) {
        return Order.pending(OrderId.random(), new UserId("user-42"), catalog.require(productId), "creem", NOW);
    }

    CheckoutSession create(Order order) {
        Product product = catalog.require(order.productId());
        return creem.createCheckout(order, product, "https://app.example/callback?orderId=" + order.orderId(),
                "https://app.example/callback?orderId=" + order.orderId() + "&canceled=1");
    }

    @Test
    void createCheckoutSendsTheOrderAsRequestIdWithMetadataAndTheApiKey() {
        Order order = order("trial");
        CheckoutSession session = create(order);

        assertEquals(List.of(session.checkoutId()), fake.checkoutIds());
        assertEquals(fake.baseUrl() + "/checkout/" + session.checkoutId(), session.url());
        FakeCreem.Request request = fake.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v1/checkouts", request.path());
        assertEquals(API_KEY, request.apiKey());
        JsonNode body = request.json();
        assertEquals("prod_trial_1", body.get("product_id").asText());
        assertEquals(order.orderId().value(), body.get("request_id").asText());
        assertEquals("https://app.example/callback?orderId=" + order.orderId(), body.get("success_url").asText());
        assertEquals(order.orderId().value(), body.get("metadata").get("orderId").asText());
        assertEquals("user-42", body.get("metadata").get("userId").asText());
        assertEquals("trial", body.get("metadata").get("productId").asText());
        assertEquals(4, body.size());
        assertEquals(3, body.get("metadata").size());
    }

    @Test
    void aPendingCheckoutIsOpen() {
        CheckoutSession session = create(order("trial"));

        assertEquals(new CheckoutState(session.checkoutId(), CheckoutState.Status.OPEN, null),
                creem.fetchCheckout(session.checkoutId()));
        FakeCreem.Request request = fake.requests().get(1);
        assertEquals("GET", request.method());
        assertEquals("/v1/checkouts", request.path());
        assertEquals("checkout_id=" + session.checkoutId(), request.query());
        assertEquals(API_KEY, request.apiKey());
    }

    @Test
    void aCompletedOneTimeCheckoutIsPaidWithTheFulfilmentEvent() {
        Order order = order("trial");
        CheckoutSession session = create(order);
        ObjectNode paid = fake.markPaid(session.checkoutId());
        String transaction = paid.get("order").get("transaction").asText();
        assertTrue(transaction.startsWith("tran_"));

        CheckoutState state = creem.fetchCheckout(session.checkoutId());

        assertEquals(CheckoutState.Status.PAID, state.status());
        assertEquals(new PaymentEvent.CheckoutPaid("creem", "fetch:" + session.checkoutId(), "checkout.fetched",
                order.orderId().value(), session.checkoutId(), transaction, new Money(790, "usd"), null,
                paid.get("customer").get("id").asText(), null, null), state.paid());
    }

    @Test
    void aCompletedSubscriptionCheckoutKeysTheFirstPeriodByItsTransaction() {
        Order order = order("pro");
        CheckoutSession session = create(order);
        ObjectNode paid = fake.markPaid(session.checkoutId());
        String transaction = paid.get("order").get("transaction").asText();
        String subscriptionId = paid.get("subscription").get("id").asText();
        assertTrue(subscriptionId.startsWith("sub_"));

        CheckoutState state = creem.fetchCheckout(session.checkoutId());

        assertEquals(new PaymentEvent.CheckoutPaid("creem", "fetch:" + session.checkoutId(), "checkout.fetched",
                order.orderId().value(), session.checkoutId(), transaction, new Money(4990, "usd"), subscriptionId,
                paid.get("customer").get("id").asText(), transaction, Instant.parse("2025-04-10T12:00:00Z")),
                state.paid());
    }

    @Test
    void processingExpiredAndFailedCheckouts() {
        String processing = create(order("trial")).checkoutId();
        String expired = create(order("trial")).checkoutId();
        String failed = create(order("trial")).checkoutId();
        fake.markStatus(processing, "processing");
        fake.markExpired(expired);
        fake.markStatus(failed, "failed");

        assertEquals(CheckoutState.Status.PROCESSING, creem.fetchCheckout(processing).status());
        assertEquals(new CheckoutState(expired, CheckoutState.Status.EXPIRED, null), creem.fetchCheckout(expired));
        assertEquals(CheckoutState.Status.FAILED, creem.fetchCheckout(failed).status());
    }

    @Test
    void aCompletedCheckoutWhoseOrderIsNotPaidYetIsStillProcessing() {
        String id = create(order("trial")).checkoutId();
        fake.markPaid(id);
        fake.update(id, checkout -> ((ObjectNode) checkout.get("order")).put("status", "pending"));

        assertEquals(new CheckoutState(id, CheckoutState.Status.PROCESSING, null), creem.fetchCheckout(id));
    }

    @Test
    void anOutageIsProviderUnavailableQuicklyAndRecovers() {
        Order order = order("trial");
        fake.outage(503);
        ProviderUnavailableException create = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(ProviderUnavailableException.class, () -> create(order)));
        assertEquals("provider_unavailable", create.code());
        assertEquals("Creem checkout creation returned HTTP 503", create.getMessage());
        ProviderUnavailableException fetch = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(ProviderUnavailableException.class, () -> creem.fetchCheckout("ch_missing")));
        assertEquals("Creem checkout lookup returned HTTP 503", fetch.getMessage());

        fake.recover();
        CheckoutSession session = create(order);
        assertEquals(CheckoutState.Status.OPEN, creem.fetchCheckout(session.checkoutId()).status());
    }

    @Test
    void aWrongApiKeyIsRefusedWithoutTheKeyInTheMessage() {
        CreemPaymentProvider wrong = new CreemPaymentProvider(HttpClient.newHttpClient(), fake.baseUrl(),
                "creem_test_wrongwrongwrong", WEBHOOK_SECRET, PRODUCT_IDS, clock);
        Order order = order("trial");
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> wrong.createCheckout(order, catalog.require("trial"), "https://a.example/?x=1", null));
        assertEquals("Creem checkout creation returned HTTP 401", e.getMessage());
        assertFalse(e.getMessage().contains("wrongwrong"));
        assertTrue(fake.checkoutIds().isEmpty());
    }

    @Test
    void aSlowCreemTimesOut() {
        CreemPaymentProvider impatient = new CreemPaymentProvider(HttpClient.newHttpClient(), fake.baseUrl(), API_KEY,
                WEBHOOK_SECRET, PRODUCT_IDS, clock, Duration.ofMillis(300));
        fake.stall(Duration.ofSeconds(5));
        ProviderUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(ProviderUnavailableException.class, () -> impatient.fetchCheckout("ch_1")));
        assertEquals("Creem checkout lookup timed out", e.getMessage());
    }

    @Test
    void anUnreachableCreemIsProviderUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CreemPaymentProvider nowhere = new CreemPaymentProvider(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + port), API_KEY, WEBHOOK_SECRET, PRODUCT_IDS, clock);
        ProviderUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ProviderUnavailableException.class, () -> nowhere.fetchCheckout("ch_1")));
        assertTrue(e.getMessage().startsWith("Creem checkout lookup failed: "), e.getMessage());
    }

    @Test
    void aProductWithoutACreemIdIsAConfigurationError() {
        CreemPaymentProvider partial = new CreemPaymentProvider(HttpClient.newHttpClient(), fake.baseUrl(), API_KEY,
                WEBHOOK_SECRET, Map.of("trial", "prod_trial_1"), clock);
        Order order = order("pro");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> partial.createCheckout(order, catalog.require("pro"), "https://a.example/", null));
        assertTrue(e.getMessage().contains("CREEM_PRODUCT_PRO"), e.getMessage());
    }

    Subscription paidSubscription(boolean withCustomer) {
        Order order = order("basic");
        String id = create(order).checkoutId();
        ObjectNode paid = fake.markPaid(id);
        return new Subscription(order.userId(), "creem", paid.get("subscription").get("id").asText(), "basic", "active",
                Instant.parse("2025-04-10T12:00:00Z"), false,
                withCustomer ? paid.get("customer").get("id").asText() : null, NOW);
    }

    @Test
    void cancelAtPeriodEndIsCreemsScheduledCancelAndStaysActive() {
        Subscription subscription = paidSubscription(true);
        fake.clearRequests();

        Subscription reported = creem.cancelSubscription(subscription, true);

        FakeCreem.Request request = fake.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v1/subscriptions/" + subscription.subscriptionId() + "/cancel", request.path());
        assertEquals("scheduled", request.json().get("mode").asText());
        assertEquals(new Subscription(subscription.userId(), "creem", subscription.subscriptionId(), "basic", "active",
                Instant.parse("2025-04-10T12:00:00Z"), true, subscription.customerRef(), NOW), reported);
        assertEquals("scheduled_cancel", fake.subscription(subscription.subscriptionId()).get("status").asText());
    }

    @Test
    void cancelNowIsImmediate() {
        Subscription subscription = paidSubscription(true);
        fake.clearRequests();

        Subscription reported = creem.cancelSubscription(subscription, false);

        assertEquals("immediate", fake.requests().get(0).json().get("mode").asText());
        assertEquals("canceled", reported.status());
        assertFalse(reported.cancelAtPeriodEnd());
        assertEquals(Instant.parse("2025-04-10T12:00:00Z"), reported.currentPeriodEnd());
    }

    @Test
    void cancellingAnUnknownSubscriptionIsProviderUnavailable() {
        Subscription subscription = new Subscription(new UserId("u"), "creem", "sub_nope", "basic", "active", null,
                false, null, NOW);
        assertThrows(ProviderUnavailableException.class, () -> creem.cancelSubscription(subscription, true));
    }

    @Test
    void billingPortalLinkForTheCustomer() {
        Subscription subscription = paidSubscription(true);
        fake.clearRequests();

        String link = creem.billingPortalUrl(subscription, "https://app.example/account");

        assertEquals(fake.baseUrl() + "/portal/" + subscription.customerRef(), link);
        assertEquals(1, fake.requests().size());
        assertEquals("/v1/customers/billing", fake.requests().get(0).path());
        assertEquals(subscription.customerRef(), fake.requests().get(0).json().get("customer_id").asText());
    }

    @Test
    void billingPortalFindsTheCustomerFromTheSubscriptionWhenUnknown() {
        Subscription subscription = paidSubscription(false);
        assertNull(subscription.customerRef());
        String customer = fake.subscription(subscription.subscriptionId()).get("customer").get("id").asText();
        fake.clearRequests();

        String link = creem.billingPortalUrl(subscription, "https://app.example/account");

        assertEquals(fake.baseUrl() + "/portal/" + customer, link);
        assertEquals("/v1/subscriptions", fake.requests().get(0).path());
        assertEquals("subscription_id=" + subscription.subscriptionId(), fake.requests().get(0).query());
    }

    @Test
    void theNameIsCreemAndToStringMasksTheKey() {
        assertEquals("creem", creem.name());
        assertFalse(creem.toString().contains(API_KEY));
        assertFalse(creem.toString().contains(WEBHOOK_SECRET));
        assertTrue(creem.toString().contains("key ****rT1v"), creem.toString());
    }
}
