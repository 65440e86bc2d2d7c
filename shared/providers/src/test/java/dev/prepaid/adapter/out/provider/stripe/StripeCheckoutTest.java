package dev.prepaid.adapter.out.provider.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutLifetime;
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
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** createCheckout, fetchCheckout, cancelSubscription and billingPortalUrl: real stripe-java against FakeStripe. */
class StripeCheckoutTest {
    static final String API_KEY = "sk_test_51FakeKeyForTestsOnly0000000000abcd";
    static final String WEBHOOK_SECRET = "whsec_test_checkout_secret";
    static final Map<String, String> PRICES = Map.of("trial", "price_trial", "basic", "price_basic", "pro", "price_pro");
    static final ProductCatalog CATALOG = ProductCatalog.defaults();

    FakeStripe fake;
    StripePaymentProvider provider;

    @BeforeEach
    void start() {
        fake = new FakeStripe().price("price_trial", 790, "usd").price("price_basic", 1990, "usd")
                .price("price_pro", 4990, "usd");
        provider = new StripePaymentProvider(client(fake.baseUrl()), WEBHOOK_SECRET, PRICES, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    static StripeClient client(String apiBase) {
        return StripeClient.builder().setApiKey(API_KEY).setApiBase(apiBase)
                .setConnectTimeout(5_000).setReadTimeout(10_000).setMaxNetworkRetries(2).build();
    }

    static Order order(String productId) {
        return Order.pending(OrderId.random(), new UserId("user-42"), CATALOG.require(productId), "stripe", Instant.now());
    }

    static String successUrl(Order order) {
        return "https://app.test/purchase/done?orderId=" + order.orderId();
    }

    @Test
    void theSessionExpiresTheLifetimeAfterTheOrderWasCreatedAndARetrySendsTheSameParameters() {
        // an order made 7 minutes ago (create-order's first checkout attempt timed out, say)
        Instant created = Instant.now().minus(Duration.ofMinutes(7)).minusMillis(321);
        Order order = Order.pending(OrderId.random(), new UserId("user-42"), CATALOG.require("trial"), "stripe", created);
        Product product = CATALOG.require("trial");
        StripePaymentProvider ninety = new StripePaymentProvider(client(fake.baseUrl()), WEBHOOK_SECRET, PRICES,
                Clock.systemUTC(), CheckoutLifetime.ofMinutes(90));
        // the retry, in another execution environment whose clock is 10 minutes further on
        StripePaymentProvider later = new StripePaymentProvider(client(fake.baseUrl()), WEBHOOK_SECRET, PRICES,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), CheckoutLifetime.ofMinutes(90));

        CheckoutSession first = ninety.createCheckout(order, product, successUrl(order), "https://app.test/cancel");
        CheckoutSession retry = later.createCheckout(order, product, successUrl(order), "https://app.test/cancel");

        long expected = created.plus(Duration.ofMinutes(90)).getEpochSecond();
        List<FakeStripe.Request> posts = fake.requests("POST", "/v1/checkout/sessions");
        assertEquals(2, posts.size());
        assertEquals(Long.toString(expected), posts.get(0).param("expires_at"),
                "order creation + lifetime, not now + lifetime");
        assertEquals(posts.get(0).params(), posts.get(1).params(), "the retry sends identical parameters");
        assertEquals(posts.get(0).idempotencyKey(), posts.get(1).idempotencyKey());
        assertEquals(first, retry, "Stripe replays the first session instead of refusing the key");
        assertEquals(1, fake.sessionsCreated());
        assertEquals(expected, fake.expiresAt(first.checkoutId()));
        assertEquals(expected, fake.session(first.checkoutId()).get("expires_at").asLong());

        // Stripe's own expiry closes it at expires_at: the fetch then reports it expired
        assertEquals(CheckoutState.Status.OPEN, ninety.fetchCheckout(first.checkoutId()).status());
        assertEquals(List.of(), fake.expireDue(Instant.ofEpochSecond(expected - 1)));
        assertEquals(List.of(first.checkoutId()), fake.expireDue(Instant.ofEpochSecond(expected)));
        assertEquals(new CheckoutState(first.checkoutId(), CheckoutState.Status.EXPIRED, null),
                ninety.fetchCheckout(first.checkoutId()));
    }

    @Test
    void withoutAConfiguredLifetimeASessionExpiresAnHourAfterItsOrder() {
        Order order = order("basic");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("basic"), successUrl(order),
                "https://app.test/cancel");
        assertEquals(Long.toString(order.createdAt().plus(Duration.ofMinutes(60)).getEpochSecond()),
                fake.requests("POST", "/v1/checkout/sessions").get(0).param("expires_at"));
        assertEquals(order.createdAt().plus(Duration.ofMinutes(60)).getEpochSecond(), fake.expiresAt(session.checkoutId()));
    }

    @Test
    void oneTimeCheckoutSendsModePriceReferenceMetadataUrlsAndIdempotencyKey() {
        Order order = order("trial");
        Product product = CATALOG.require("trial");

        CheckoutSession session = provider.createCheckout(order, product, successUrl(order), "https://app.test/cancel");

        assertTrue(session.checkoutId().startsWith("cs_test_"), session.checkoutId());
        assertEquals("https://checkout.stripe.test/c/" + session.checkoutId(), session.url());
        List<FakeStripe.Request> posts = fake.requests("POST", "/v1/checkout/sessions");
        assertEquals(1, posts.size());
        FakeStripe.Request request = posts.get(0);
        String orderId = order.orderId().value();
        assertEquals("checkout-" + orderId, request.idempotencyKey());
        assertEquals("payment", request.param("mode"));
        assertEquals("price_trial", request.param("line_items[0][price]"));
        assertEquals("1", request.param("line_items[0][quantity]"));
        assertEquals(orderId, request.param("client_reference_id"));
        assertEquals(orderId, request.param("metadata[orderId]"));
        assertEquals("user-42", request.param("metadata[userId]"));
        assertEquals("trial", request.param("metadata[productId]"));
        assertEquals(orderId, request.param("payment_intent_data[metadata][orderId]"));
        assertEquals("user-42", request.param("payment_intent_data[metadata][userId]"));
        assertEquals("trial", request.param("payment_intent_data[metadata][productId]"));
        assertFalse(request.params().keySet().stream().anyMatch(k -> k.startsWith("subscription_data")), request.params().toString());
        assertEquals(successUrl(order) + "&session_id={CHECKOUT_SESSION_ID}", request.param("success_url"));
        assertEquals("https://app.test/cancel", request.param("cancel_url"));

        ObjectNode stored = fake.session(session.checkoutId());
        assertEquals(orderId, stored.get("client_reference_id").asText());
        assertEquals(orderId, stored.get("metadata").get("orderId").asText());
        assertEquals("open", stored.get("status").asText());
    }

    @Test
    void subscriptionCheckoutPutsMetadataOnTheSubscription() {
        Order order = order("pro");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("pro"), successUrl(order),
                "https://app.test/cancel");

        FakeStripe.Request request = fake.requests("POST", "/v1/checkout/sessions").get(0);
        String orderId = order.orderId().value();
        assertEquals("subscription", request.param("mode"));
        assertEquals("price_pro", request.param("line_items[0][price]"));
        assertEquals(orderId, request.param("client_reference_id"));
        assertEquals(orderId, request.param("metadata[orderId]"));
        assertEquals(orderId, request.param("subscription_data[metadata][orderId]"));
        assertEquals("user-42", request.param("subscription_data[metadata][userId]"));
        assertEquals("pro", request.param("subscription_data[metadata][productId]"));
        assertFalse(request.params().keySet().stream().anyMatch(k -> k.startsWith("payment_intent_data")));
        assertEquals("checkout-" + orderId, request.idempotencyKey());
        assertEquals("subscription", fake.session(session.checkoutId()).get("mode").asText());
    }

    @Test
    void aRetryForTheSameOrderGetsTheSameSessionAndCreatesNoSecond() {
        Order order = order("trial");
        Product product = CATALOG.require("trial");
        CheckoutSession first = provider.createCheckout(order, product, successUrl(order), "https://app.test/cancel");
        CheckoutSession second = provider.createCheckout(order, product, successUrl(order), "https://app.test/cancel");

        assertEquals(first, second);
        assertEquals(1, fake.sessionsCreated());
        List<FakeStripe.Request> posts = fake.requests("POST", "/v1/checkout/sessions");
        assertEquals(2, posts.size());
        assertEquals(posts.get(0).idempotencyKey(), posts.get(1).idempotencyKey());

        Order other = order("trial");
        CheckoutSession third = provider.createCheckout(other, product, successUrl(other), "https://app.test/cancel");
        assertFalse(third.checkoutId().equals(first.checkoutId()));
        assertEquals(2, fake.sessionsCreated());
    }

    @Test
    void aSuccessUrlWithoutQueryGetsTheSessionIdAsItsQuery() {
        Order order = order("trial");
        provider.createCheckout(order, CATALOG.require("trial"), "https://app.test/done", "https://app.test/cancel");
        assertEquals("https://app.test/done?session_id={CHECKOUT_SESSION_ID}",
                fake.requests("POST", "/v1/checkout/sessions").get(0).param("success_url"));
    }

    @Test
    void aProductWithoutPriceIsAConfigurationError() {
        StripePaymentProvider partial = new StripePaymentProvider(client(fake.baseUrl()), WEBHOOK_SECRET,
                Map.of("trial", "price_trial"), Clock.systemUTC());
        Order order = order("pro");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> partial.createCheckout(order, CATALOG.require("pro"), successUrl(order), "https://app.test/c"));
        assertTrue(e.getMessage().contains("STRIPE_PRICE_PRO"), e.getMessage());
        assertTrue(fake.requests().isEmpty());
    }

    @Test
    void fetchOpenCheckout() {
        Order order = order("trial");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("trial"), successUrl(order), "https://app.test/c");
        CheckoutState state = provider.fetchCheckout(session.checkoutId());
        assertEquals(new CheckoutState(session.checkoutId(), CheckoutState.Status.OPEN, null), state);
        assertEquals(1, fake.requests("GET", "/v1/checkout/sessions/" + session.checkoutId()).size());
    }

    @Test
    void fetchPaidOneTimeCheckoutCarriesTheCheckoutPaidEvent() {
        Order order = order("trial");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("trial"), successUrl(order), "https://app.test/c");
        ObjectNode paid = fake.markPaid(session.checkoutId());
        String paymentIntent = paid.get("payment_intent").asText();
        assertTrue(paymentIntent.startsWith("pi_"));

        CheckoutState state = provider.fetchCheckout(session.checkoutId());

        assertEquals(CheckoutState.Status.PAID, state.status());
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", "fetch:" + session.checkoutId(), "checkout.session.fetched",
                order.orderId().value(), session.checkoutId(), paymentIntent, new Money(790, "usd"), null, null, null,
                null, new PaymentEvent.Amounts(790, 0, 0, 0)), state.paid());
    }

    @Test
    void fetchPaidSubscriptionCheckoutUsesTheFirstInvoice() {
        Order order = order("basic");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("basic"), successUrl(order), "https://app.test/c");
        ObjectNode paid = fake.markPaid(session.checkoutId());
        String invoice = paid.get("invoice").asText();
        String subscription = paid.get("subscription").asText();
        String customer = paid.get("customer").asText();

        CheckoutState state = provider.fetchCheckout(session.checkoutId());

        assertEquals(CheckoutState.Status.PAID, state.status());
        assertEquals(new PaymentEvent.CheckoutPaid("stripe", "fetch:" + session.checkoutId(), "checkout.session.fetched",
                order.orderId().value(), session.checkoutId(), invoice, new Money(1990, "usd"), subscription, customer,
                invoice, null, new PaymentEvent.Amounts(1990, 0, 0, 0)), state.paid());
        // the fake keeps the subscription's metadata from subscription_data
        assertEquals(order.orderId().value(), fake.subscription(subscription).get("metadata").get("orderId").asText());
        assertEquals(order.orderId().value(),
                fake.invoice(invoice).get("subscription_details").get("metadata").get("orderId").asText());
    }

    @Test
    void webhooksForAFakeCheckoutMapLikeTheFetch() {
        Order order = order("basic");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("basic"), successUrl(order), "https://app.test/c");
        ObjectNode paidSession = fake.markPaid(session.checkoutId());
        PaymentEvent.CheckoutPaid fetched = provider.fetchCheckout(session.checkoutId()).paid();

        String body = StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(paidSession));
        PaymentEvent.CheckoutPaid delivered = (PaymentEvent.CheckoutPaid) provider.parseWebhook(
                StripeWebhooks.headers(body, WEBHOOK_SECRET), body.getBytes(StandardCharsets.UTF_8)).get(0);
        assertEquals(fetched.orderId(), delivered.orderId());
        assertEquals(fetched.paymentRef(), delivered.paymentRef());
        assertEquals(fetched.paid(), delivered.paid());
        assertEquals(fetched.subscriptionId(), delivered.subscriptionId());
        assertEquals(fetched.invoiceRef(), delivered.invoiceRef());
        assertEquals("checkout.session.completed", delivered.type());

        // the subscription's first invoice, as invoice.paid: metadata from subscription_data
        ObjectNode invoice = fake.invoice(fetched.invoiceRef());
        String invoiceBody = StripeWebhooks.json(StripeWebhooks.event("invoice.paid", invoice));
        PaymentEvent.SubscriptionPaid period = (PaymentEvent.SubscriptionPaid) provider.parseWebhook(
                StripeWebhooks.headers(invoiceBody, WEBHOOK_SECRET), invoiceBody.getBytes(StandardCharsets.UTF_8)).get(0);
        assertEquals(fetched.invoiceRef(), period.invoiceRef());
        assertEquals(fetched.subscriptionId(), period.subscriptionId());
        assertEquals(invoice.get("payment_intent").asText(), period.paymentRef());
        assertEquals(new Money(1990, "usd"), period.paid());
        assertEquals(order.orderId().value(), period.orderId());
        assertEquals("user-42", period.userId());
        assertEquals("basic", period.productId());
        assertEquals(fetched.customerRef(), period.customerRef());
        assertEquals(fake.subscription(fetched.subscriptionId()).get("items").get("data").get(0)
                .get("current_period_end").asLong(), period.periodEnd().getEpochSecond());
    }

    @Test
    void fetchProcessingAndExpiredCheckouts() {
        Order first = order("trial");
        CheckoutSession pending = provider.createCheckout(first, CATALOG.require("trial"), successUrl(first), "https://app.test/c");
        fake.markProcessing(pending.checkoutId());
        assertEquals(new CheckoutState(pending.checkoutId(), CheckoutState.Status.PROCESSING, null),
                provider.fetchCheckout(pending.checkoutId()));

        Order second = order("trial");
        CheckoutSession expired = provider.createCheckout(second, CATALOG.require("trial"), successUrl(second), "https://app.test/c");
        fake.markExpired(expired.checkoutId());
        assertEquals(new CheckoutState(expired.checkoutId(), CheckoutState.Status.EXPIRED, null),
                provider.fetchCheckout(expired.checkoutId()));
    }

    @Test
    void fetchUnknownCheckoutIsProviderUnavailable() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> provider.fetchCheckout("cs_test_doesnotexist"));
        assertTrue(e.getMessage().contains("http 404"), e.getMessage());
        assertTrue(e.getMessage().contains("resource_missing"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429, 401, 400})
    void anOutageIsProviderUnavailableQuicklyAndWithoutSecrets(int status) {
        fake.outage(status);
        Order order = order("trial");
        long started = System.nanoTime();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> provider.createCheckout(order, CATALOG.require("trial"), successUrl(order), "https://app.test/c"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "took " + took);
        assertEquals("provider_unavailable", e.code());
        assertTrue(e.getMessage().contains("http " + status), e.getMessage());
        assertFalse(e.getMessage().contains(API_KEY), e.getMessage());
        assertFalse(e.getMessage().contains(API_KEY.substring(0, 20)), e.getMessage());
        List<FakeStripe.Request> attempts = fake.requests("POST", "/v1/checkout/sessions");
        // 5xx are retried twice (maxNetworkRetries 2) with the same idempotency key; 4xx are not
        assertEquals(status >= 500 ? 3 : 1, attempts.size());
        assertTrue(attempts.stream().allMatch(r -> r.idempotencyKey().equals("checkout-" + order.orderId())));
        assertEquals(0, fake.sessionsCreated());
        assertThrows(ProviderUnavailableException.class, () -> provider.fetchCheckout("cs_test_any"));

        fake.recover();
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("trial"), successUrl(order), "https://app.test/c");
        assertNotNull(session.checkoutId());
        assertEquals(1, fake.sessionsCreated());
    }

    @Test
    void anUnreachableStripeIsProviderUnavailableQuickly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StripePaymentProvider unreachable = new StripePaymentProvider(client("http://127.0.0.1:" + closedPort),
                WEBHOOK_SECRET, PRICES, Clock.systemUTC());
        Order order = order("trial");
        long started = System.nanoTime();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> unreachable.createCheckout(order, CATALOG.require("trial"), successUrl(order), "https://app.test/c"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        assertTrue(e.getMessage().contains("no answer from Stripe"), e.getMessage());
        assertFalse(e.getMessage().contains(API_KEY), e.getMessage());
    }

    private Subscription paidSubscription() {
        Order order = order("pro");
        CheckoutSession session = provider.createCheckout(order, CATALOG.require("pro"), successUrl(order), "https://app.test/c");
        ObjectNode paid = fake.markPaid(session.checkoutId());
        return new Subscription(order.userId(), "stripe", paid.get("subscription").asText(), "pro", "active",
                null, false, paid.get("customer").asText(), Instant.now());
    }

    @Test
    void cancelAtPeriodEndKeepsThePlanActiveUntilThen() {
        Subscription subscription = paidSubscription();
        long periodEnd = fake.subscription(subscription.subscriptionId()).get("items").get("data").get(0)
                .get("current_period_end").asLong();

        Subscription result = provider.cancelSubscription(subscription, true);

        List<FakeStripe.Request> updates = fake.requests("POST", "/v1/subscriptions/" + subscription.subscriptionId());
        assertEquals(1, updates.size());
        assertEquals("true", updates.get(0).param("cancel_at_period_end"));
        assertEquals("active", result.status());
        assertTrue(result.cancelAtPeriodEnd());
        assertEquals(Instant.ofEpochSecond(periodEnd), result.currentPeriodEnd());
        assertEquals(subscription.subscriptionId(), result.subscriptionId());
        assertEquals(subscription.userId(), result.userId());
        assertEquals("pro", result.productId());
        assertEquals(subscription.customerRef(), result.customerRef());
    }

    @Test
    void cancelNowEndsThePlan() {
        Subscription subscription = paidSubscription();

        Subscription result = provider.cancelSubscription(subscription, false);

        assertEquals(1, fake.requests("DELETE", "/v1/subscriptions/" + subscription.subscriptionId()).size());
        assertEquals("canceled", result.status());
        assertFalse(result.cancelAtPeriodEnd());
        assertFalse(result.isActive());
        assertNotNull(result.currentPeriodEnd());
    }

    @Test
    void cancelUnknownSubscriptionIsProviderUnavailable() {
        Subscription unknown = new Subscription(new UserId("user-42"), "stripe", "sub_unknown", "pro", "active", null,
                false, "cus_x", Instant.now());
        assertThrows(ProviderUnavailableException.class, () -> provider.cancelSubscription(unknown, true));
        assertThrows(ProviderUnavailableException.class, () -> provider.cancelSubscription(unknown, false));
    }

    @Test
    void billingPortalForTheSubscriptionsCustomer() {
        Subscription subscription = paidSubscription();

        String url = provider.billingPortalUrl(subscription, "https://app.test/account");

        assertTrue(url.startsWith("https://billing.stripe.test/p/session/bps_"), url);
        FakeStripe.Request request = fake.requests("POST", "/v1/billing_portal/sessions").get(0);
        assertEquals(subscription.customerRef(), request.param("customer"));
        assertEquals("https://app.test/account", request.param("return_url"));
    }

    @Test
    void billingPortalNeedsACustomerAndAnAvailableStripe() {
        Subscription noCustomer = new Subscription(new UserId("user-42"), "stripe", "sub_x", "pro", "active", null,
                false, null, Instant.now());
        assertThrows(IllegalArgumentException.class, () -> provider.billingPortalUrl(noCustomer, "https://app.test/a"));
        Subscription subscription = paidSubscription();
        fake.outage(503);
        assertThrows(ProviderUnavailableException.class, () -> provider.billingPortalUrl(subscription, "https://app.test/a"));
    }
}
