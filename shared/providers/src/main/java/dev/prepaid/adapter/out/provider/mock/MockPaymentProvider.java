package dev.prepaid.adapter.out.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.provider.CheckoutLifetimeConfig;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.PaymentProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A payment provider for local work and tests that behaves like a real one: a hosted checkout page
 * ({@link MockCheckoutActions#page}), signed webhooks POSTed to our webhook route, a server-side fetch.
 * The domain cannot tell it from Stripe or Creem: the same PaymentEvents, through the same intake.
 * Never in production ({@link #fromEnv} refuses {@code PAYMENT_ENV=production}).
 */
public final class MockPaymentProvider implements PaymentProvider {
    public static final String NAME = "mock";
    public static final String DEFAULT_CHECKOUT_URL = "http://127.0.0.1:3000/mock/checkout";
    public static final String DEFAULT_WEBHOOK_URL = "http://127.0.0.1:3000/api/payment/webhook/mock";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MockCheckouts checkouts;
    private final ProductCatalog catalog;
    private final String webhookSecret;
    private final String hostedPageBase;
    private final URI webhookUrl;
    private final HttpClient http;
    private final Clock clock;
    private final CheckoutLifetime checkoutLifetime;

    /** With the default checkout lifetime. */
    public MockPaymentProvider(MockCheckouts checkouts, ProductCatalog catalog, String webhookSecret,
                               String hostedPageBase, URI webhookUrl, HttpClient http, Clock clock) {
        this(checkouts, catalog, webhookSecret, hostedPageBase, webhookUrl, http, clock, CheckoutLifetime.DEFAULT);
    }

    /**
     * @param hostedPageBase   where the checkout page is served: a checkout's URL is {@code hostedPageBase/<id>}
     * @param webhookUrl       where {@link MockCheckoutActions} delivers the webhooks
     * @param checkoutLifetime a checkout expires this long after its order was created: a fetch then reports it
     *                         expired and the hosted page refuses to pay it
     */
    public MockPaymentProvider(MockCheckouts checkouts, ProductCatalog catalog, String webhookSecret,
                               String hostedPageBase, URI webhookUrl, HttpClient http, Clock clock,
                               CheckoutLifetime checkoutLifetime) {
        this.checkouts = Objects.requireNonNull(checkouts, "checkouts");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        if (webhookSecret == null || webhookSecret.isBlank()) {
            throw new IllegalStateException("the mock webhook secret is empty");
        }
        this.webhookSecret = webhookSecret;
        String base = Objects.requireNonNull(hostedPageBase, "hostedPageBase");
        this.hostedPageBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.webhookUrl = Objects.requireNonNull(webhookUrl, "webhookUrl");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkoutLifetime = Objects.requireNonNull(checkoutLifetime, "checkoutLifetime");
    }

    /**
     * From the environment: {@code MOCK_WEBHOOK_SECRET} (required), {@code MOCK_CHECKOUT_URL} and
     * {@code MOCK_WEBHOOK_URL} (loopback defaults), {@code CHECKOUT_LIFETIME_MINUTES} (default 60). Checkouts go to {@code table} when a DynamoDB client is
     * given, else stay in memory. {@code PAYMENT_ENV=production} is refused: the mock grants credits for
     * nothing.
     */
    public static MockPaymentProvider fromEnv(Env env, ProductCatalog catalog, DynamoDbClient dynamo, String table) {
        if ("production".equals(env.optional("PAYMENT_ENV", "").trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("the mock payment provider is refused when PAYMENT_ENV is production");
        }
        String secret = env.required("MOCK_WEBHOOK_SECRET");
        CheckoutLifetime lifetime = CheckoutLifetimeConfig.fromEnv(env);
        String pageBase = url(env, "MOCK_CHECKOUT_URL", DEFAULT_CHECKOUT_URL);
        URI webhook = URI.create(url(env, "MOCK_WEBHOOK_URL", DEFAULT_WEBHOOK_URL));
        MockCheckouts store = dynamo != null && table != null ? new DynamoMockCheckouts(dynamo, table)
                : new InMemoryMockCheckouts();
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        return new MockPaymentProvider(store, catalog, secret, pageBase, webhook, http, Clock.systemUTC(), lifetime);
    }

    private static String url(Env env, String name, String fallback) {
        String value = env.optional(name, fallback).trim();
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalStateException(name + " is not an http(s) URL");
        }
        return value;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The hosted-page actions (pay, cancel, renew, refund, the page itself) for this provider's checkouts. */
    public MockCheckoutActions actions() {
        return new MockCheckoutActions(this);
    }

    @Override
    public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String id = MockCheckout.CHECKOUT_PREFIX + HexFormat.of().formatHex(random);
        checkouts.save(new MockCheckout(id, order.orderId().value(), order.userId().value(), product.id(),
                product.type(), order.amount(), MockCheckout.Status.OPEN, successUrl, cancelUrl, null, null,
                clock.instant(), checkoutLifetime.expiresAt(order.createdAt())));
        return new CheckoutSession(id, hostedPageBase + "/" + id);
    }

    @Override
    public CheckoutState fetchCheckout(String checkoutId) {
        Optional<MockCheckout> found = checkouts.find(checkoutId);
        if (found.isEmpty()) {
            // A checkout the mock does not know (an in-memory store restarted) can never be paid.
            return new CheckoutState(checkoutId, CheckoutState.Status.EXPIRED, null);
        }
        MockCheckout checkout = found.get();
        if (checkout.expiredAt(clock.instant())) {
            return new CheckoutState(checkoutId, CheckoutState.Status.EXPIRED, null);
        }
        return switch (checkout.status()) {
            case OPEN -> new CheckoutState(checkoutId, CheckoutState.Status.OPEN, null);
            case CANCELED -> new CheckoutState(checkoutId, CheckoutState.Status.EXPIRED, null);
            case PAID -> new CheckoutState(checkoutId, CheckoutState.Status.PAID, new PaymentEvent.CheckoutPaid(NAME,
                    "fetch:" + checkoutId, "checkout.fetched", checkout.orderId(), checkout.id(), checkout.paymentRef(),
                    checkout.amount(), checkout.subscriptionId(), checkout.customerRef(),
                    checkout.isSubscription() ? checkout.invoiceRef(1) : null,
                    checkout.isSubscription() ? periodEnd(checkout, 1) : null));
        };
    }

    @Override
    public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
        MockWebhooks.verify(headers, rawBody, webhookSecret.getBytes(StandardCharsets.UTF_8), clock.instant());
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(rawBody);
        } catch (IOException e) {
            throw new ValidationException("invalid_webhook", "the mock webhook body is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new ValidationException("invalid_webhook", "the mock webhook body is not a JSON object");
        }
        return List.of(MockWebhooks.map(event));
    }

    /** There is no subscription to stop locally: the answer is what a provider would report. */
    @Override
    public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
        return new Subscription(subscription.userId(), NAME, subscription.subscriptionId(), subscription.productId(),
                atPeriodEnd ? "active" : "canceled", subscription.currentPeriodEnd(), atPeriodEnd,
                subscription.customerRef(), clock.instant());
    }

    /** The mock bills nothing: a plan change is only what PlanChanges grants and records. */
    @Override
    public void changePlan(Subscription subscription, Product target) {
        java.util.Objects.requireNonNull(target, "target");
    }

    /** There is no billing portal locally: back where the user came from. */
    @Override
    public String billingPortalUrl(Subscription subscription, String returnUrl) {
        return returnUrl;
    }

    /** The end of billing period {@code n}: n months (or years) after the checkout was created. */
    Instant periodEnd(MockCheckout checkout, int period) {
        boolean yearly = catalog.find(checkout.productId()).map(p -> "year".equals(p.interval())).orElse(false);
        var start = checkout.createdAt().atZone(ZoneOffset.UTC);
        return (yearly ? start.plusYears(period) : start.plusMonths(period)).toInstant();
    }

    public MockCheckouts checkouts() {
        return checkouts;
    }

    ProductCatalog catalog() {
        return catalog;
    }

    String webhookSecret() {
        return webhookSecret;
    }

    String hostedPageBase() {
        return hostedPageBase;
    }

    URI webhookUrl() {
        return webhookUrl;
    }

    HttpClient http() {
        return http;
    }

    Clock clock() {
        return clock;
    }

    CheckoutLifetime checkoutLifetime() {
        return checkoutLifetime;
    }

    @Override
    public String toString() {
        // the secret is never printed, not even in part
        return "MockPaymentProvider[" + hostedPageBase + " -> " + webhookUrl + "]";
    }
}
