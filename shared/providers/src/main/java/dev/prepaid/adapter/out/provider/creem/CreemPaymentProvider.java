package dev.prepaid.adapter.out.provider.creem;

import dev.prepaid.adapter.out.provider.ProviderSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.provider.ProviderIds;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.PaymentProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Creem (creem.io) over its REST API with the JDK HTTP client. Creem has no idempotency header: the
 * order id goes in as {@code request_id}, which comes back on the checkout and its webhook so fulfilment
 * finds the order; OrderService only creates a second checkout for an order when the first attempt failed.
 */
public final class CreemPaymentProvider implements PaymentProvider {
    public static final String NAME = "creem";
    public static final URI PRODUCTION_API = URI.create("https://api.creem.io");
    public static final URI TEST_API = URI.create("https://test-api.creem.io");
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final String baseUrl;
    private final String apiKey;
    private final byte[] webhookSecret;
    private final Map<String, String> productIds;
    private final Clock clock;
    private final Duration requestTimeout;

    /**
     * @param productIdsByOurProductId Creem's product id for each of our product ids (trial -> prod_...)
     */
    public CreemPaymentProvider(HttpClient http, URI baseUrl, String apiKey, String webhookSecret,
                                Map<String, String> productIdsByOurProductId, Clock clock) {
        this(http, baseUrl, apiKey, webhookSecret, productIdsByOurProductId, clock, REQUEST_TIMEOUT);
    }

    CreemPaymentProvider(HttpClient http, URI baseUrl, String apiKey, String webhookSecret,
                         Map<String, String> productIdsByOurProductId, Clock clock, Duration requestTimeout) {
        this.http = Objects.requireNonNull(http, "http");
        String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException("the Creem API key is empty");
        }
        if (webhookSecret == null || webhookSecret.isBlank()) {
            throw new IllegalStateException("the Creem webhook secret is empty");
        }
        this.apiKey = apiKey;
        this.webhookSecret = webhookSecret.getBytes(StandardCharsets.UTF_8);
        this.productIds = Map.copyOf(productIdsByOurProductId);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * From the environment: {@code CREEM_API_KEY}, {@code CREEM_WEBHOOK_SECRET}, {@code PAYMENT_ENV}
     * ({@code production} uses api.creem.io, anything else test-api.creem.io), optional
     * {@code CREEM_API_BASE} (tests) and the id of every catalog product ({@link ProviderIds}:
     * {@code CREEM_PRODUCT_<PRODUCT>_<PAYMENT_ENV>} or {@code CREEM_PRODUCT_<PRODUCT>}). A
     * missing variable fails here, named; no message ever carries a secret's value.
     */
    public static CreemPaymentProvider fromEnv(Env env, ProductCatalog catalog) {
        String apiKey = env.required("CREEM_API_KEY");
        String webhookSecret = env.required("CREEM_WEBHOOK_SECRET");
        boolean production = "production".equals(env.optional("PAYMENT_ENV", "").trim().toLowerCase(Locale.ROOT));
        Map<String, String> productIds = ProviderIds.fromEnv(env, NAME, catalog,
                "the Creem product id of every product in the catalog");
        URI base = production ? PRODUCTION_API : TEST_API;
        String override = env.optional("CREEM_API_BASE", null);
        if (override != null) {
            try {
                base = URI.create(override.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("CREEM_API_BASE is not a URL");
            }
            if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalStateException("CREEM_API_BASE is not an http(s) URL");
            }
            if (production && !"https".equals(base.getScheme())) {
                throw new IllegalStateException("CREEM_API_BASE must be https when PAYMENT_ENV is production");
            }
        }
        if (production && apiKey.startsWith("creem_test_")) {
            throw new IllegalStateException("CREEM_API_KEY is a test-mode key but PAYMENT_ENV is production");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        return new CreemPaymentProvider(http, base, apiKey, webhookSecret, productIds, Clock.systemUTC());
    }

    @Override
    public boolean offersPaymentMethod(String method) {
        // Creem's checkout API takes no payment method: Creem shows what it offers the buyer's country. A
        // buyer's explicit choice other than card cannot be honoured, so it is refused (400) rather than ignored.
        return "card".equals(method);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Catalog check's view of Creem products ({@code GET /v1/products?product_id=}): price (minor units),
     * currency, and billing period (every-month, every-year; once or onetime: a one-time product). Needs only
     * CREEM_API_KEY (and PAYMENT_ENV / CREEM_API_BASE for the endpoint); a 404 is an unknown product.
     */
    public static dev.prepaid.adapter.out.provider.CatalogCheck.PriceLookup productLookup(Env env) {
        String apiKey = env.required("CREEM_API_KEY");
        boolean production = "production".equals(env.optional("PAYMENT_ENV", "").trim().toLowerCase(Locale.ROOT));
        String base = env.optional("CREEM_API_BASE", (production ? PRODUCTION_API : TEST_API).toString()).trim()
                .replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        return productId -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/products?product_id=" + encode(productId)))
                    .timeout(Duration.ofSeconds(10)).header("x-api-key", apiKey).header("accept", "application/json")
                    .GET().build();
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 404) {
                    return java.util.Optional.empty();
                }
                if (response.statusCode() / 100 != 2) {
                    throw new ProviderUnavailableException("Creem product lookup returned HTTP " + response.statusCode(), null);
                }
                JsonNode product = Json.MAPPER.readTree(response.body());
                String period = product.path("billing_period").asText("once");
                String interval = switch (period) {
                    case "every-month" -> "month";
                    case "every-year" -> "year";
                    case "once", "onetime", "" -> null;
                    default -> period;
                };
                if ("onetime".equals(product.path("billing_type").asText())) {
                    interval = null;
                }
                String currency = product.path("currency").asText("").toLowerCase(Locale.ROOT);
                return java.util.Optional.of(new dev.prepaid.adapter.out.provider.CatalogCheck.ProviderPrice(currency,
                        interval, Map.of(currency, product.path("price").asLong(-1))));
            } catch (IOException e) {
                throw unavailable("Creem product lookup failed: " + e.getClass().getSimpleName(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("Creem product lookup was interrupted", e);
            }
        };
    }

    URI baseUrl() {
        return URI.create(baseUrl);
    }

    /** A Creem product has one price in one currency: orders pay the catalog's primary price. */
    @Override
    public boolean multiCurrency() {
        return false;
    }

    @Override
    public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
        String creemProduct = productIds.get(product.id());
        if (creemProduct == null) {
            throw new IllegalStateException("no Creem product configured for " + product.id() + " ("
                    + ProductCatalog.providerIdVariable(NAME, product.id()) + ")");
        }
        // No expiry here: Creem's create-checkout API has no parameter for one (unlike Stripe's expires_at), so
        // CHECKOUT_LIFETIME_MINUTES cannot shorten a Creem checkout. Creem reports it expired on its own schedule;
        // until then reconciliation counts it awaiting within the lifetime, stuck after it.
        ObjectNode body = Json.object();
        body.put("product_id", creemProduct);
        body.put("request_id", order.orderId().value());
        body.put("success_url", successUrl);
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("orderId", order.orderId().value());
        metadata.put("userId", order.userId().value());
        metadata.put("productId", product.id());
        JsonNode checkout = send(post("/v1/checkouts", body), "checkout creation");
        String id = CreemEvents.text(checkout, "id");
        String url = CreemEvents.text(checkout, "checkout_url");
        if (id == null || url == null) {
            throw new ProviderUnavailableException("Creem returned a checkout without id or checkout_url", null);
        }
        return new CheckoutSession(id, url);
    }

    @Override
    public CheckoutState fetchCheckout(String checkoutId) {
        JsonNode checkout = send(get("/v1/checkouts?checkout_id=" + encode(checkoutId)), "checkout lookup");
        String status = CreemEvents.text(checkout, "status");
        if (status == null) {
            throw new ProviderUnavailableException("Creem returned a checkout without status", null);
        }
        switch (status) {
            case "completed": {
                String orderStatus = CreemEvents.text(checkout.path("order"), "status");
                if (orderStatus != null && !"paid".equals(orderStatus)) {
                    return new CheckoutState(checkoutId, CheckoutState.Status.PROCESSING, null);
                }
                PaymentEvent.CheckoutPaid paid;
                try {
                    paid = CreemEvents.checkoutPaid("fetch:" + checkoutId, "checkout.fetched", checkout);
                } catch (ValidationException e) {
                    throw new ProviderUnavailableException("Creem returned a malformed checkout", null);
                }
                return new CheckoutState(checkoutId, CheckoutState.Status.PAID, paid);
            }
            case "pending":
                return new CheckoutState(checkoutId, CheckoutState.Status.OPEN, null);
            case "processing":
                return new CheckoutState(checkoutId, CheckoutState.Status.PROCESSING, null);
            case "expired":
                return new CheckoutState(checkoutId, CheckoutState.Status.EXPIRED, null);
            case "failed":
                return new CheckoutState(checkoutId, CheckoutState.Status.FAILED, null);
            default:
                // A status we do not know grants nothing and closes nothing: ask again later.
                return new CheckoutState(checkoutId, CheckoutState.Status.PROCESSING, null);
        }
    }

    @Override
    public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
        CreemEvents.verify(headers, rawBody, webhookSecret);
        JsonNode envelope;
        try {
            envelope = Json.MAPPER.readTree(rawBody);
        } catch (IOException e) {
            throw new ValidationException("invalid_webhook", "the Creem webhook body is not JSON");
        }
        if (envelope == null || !envelope.isObject()) {
            throw new ValidationException("invalid_webhook", "the Creem webhook body is not a JSON object");
        }
        PaymentEvent event = CreemEvents.map(envelope);
        if (event instanceof PaymentEvent.SubscriptionPaid paid && paid.linePriceRef() != null) {
            event = paid.withLineProduct(productOf(paid.linePriceRef()));
        } else if (event instanceof PaymentEvent.SubscriptionChanged changed && changed.priceRef() != null) {
            event = changed.withProduct(productOf(changed.priceRef()));
        }
        return List.of(event);
    }

    /** Our product sold as a Creem product, or null when it is not in this environment's catalog. */
    String productOf(String creemProductId) {
        for (Map.Entry<String, String> entry : productIds.entrySet()) {
            if (entry.getValue().equals(creemProductId)) {
                return entry.getKey();
            }
        }
        return null;
    }

    /**
     * Creem's cancel: {@code scheduled} keeps the subscription until the end of the paid period,
     * {@code immediate} ends it now. Creem's {@code scheduled_cancel} comes back as active with
     * {@code cancelAtPeriodEnd}.
     */
    @Override
    public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
        ObjectNode body = Json.object();
        body.put("mode", atPeriodEnd ? "scheduled" : "immediate");
        JsonNode reported = send(post("/v1/subscriptions/" + encode(subscription.subscriptionId()) + "/cancel", body),
                "subscription cancel");
        String rawStatus = CreemEvents.text(reported, "status");
        String status = rawStatus != null ? CreemEvents.normalizeStatus(rawStatus) : (atPeriodEnd ? "active" : "canceled");
        boolean cancelAtPeriodEnd = reported.path("cancel_at_period_end").isBoolean()
                ? reported.path("cancel_at_period_end").booleanValue()
                : "scheduled_cancel".equals(rawStatus) || (rawStatus == null && atPeriodEnd);
        var periodEnd = CreemEvents.instant(reported.path("current_period_end_date"));
        return new Subscription(subscription.userId(), NAME, subscription.subscriptionId(), subscription.productId(),
                status, periodEnd != null ? periodEnd : subscription.currentPeriodEnd(), cancelAtPeriodEnd,
                subscription.customerRef(), clock.instant());
    }

    /** Creem's upgrade (also used for a downgrade): the subscription moves to the target's Creem product. */
    @Override
    public void changePlan(Subscription subscription, Product target) {
        String creemProduct = productIds.get(target.id());
        if (creemProduct == null) {
            throw new IllegalStateException("no Creem product for " + target.id());
        }
        ObjectNode body = Json.object();
        body.put("product_id", creemProduct);
        body.put("update_behavior", target.proration() == Product.PlanChangeProration.ALWAYS_INVOICE
                ? "proration-charge-immediately" : "proration-none");
        send(post("/v1/subscriptions/" + encode(subscription.subscriptionId()) + "/upgrade", body), "subscription upgrade");
    }

    /** Creem's customer portal link; the customer is looked up from the subscription when we do not have it. */
    @Override
    public String billingPortalUrl(Subscription subscription, String returnUrl) {
        String customer = subscription.customerRef();
        if (customer == null) {
            JsonNode found = send(get("/v1/subscriptions?subscription_id=" + encode(subscription.subscriptionId())),
                    "subscription lookup");
            customer = CreemEvents.idOf(found.path("customer"));
            if (customer == null) {
                throw new ProviderUnavailableException("Creem reported no customer for the subscription", null);
            }
        }
        ObjectNode body = Json.object();
        body.put("customer_id", customer);
        JsonNode portal = send(post("/v1/customers/billing", body), "billing portal");
        String link = CreemEvents.text(portal, "customer_portal_link");
        if (link == null) {
            throw new ProviderUnavailableException("Creem returned no customer_portal_link", null);
        }
        return link;
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder post(String path, JsonNode body) {
        return request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("x-api-key", apiKey)
                .header("accept", "application/json");
    }

    /** One call; every failure of Creem or of the network is a safe ProviderUnavailableException. */
    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw unavailable("Creem " + what + " timed out", e);
        } catch (IOException e) {
            throw unavailable("Creem " + what + " failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("Creem " + what + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new ProviderUnavailableException("Creem " + what + " returned HTTP " + status, null);
        }
        try {
            JsonNode node = Json.MAPPER.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new ProviderUnavailableException("Creem " + what + " returned no JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw new ProviderUnavailableException("Creem " + what + " returned malformed JSON", null);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value, "id"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CreemPaymentProvider[" + baseUrl + ", key " + ProviderSecrets.mask(apiKey) + "]";
    }

    /**
     * The exception with its cause when the core lets us attach one: DomainException is built with an
     * explicit null cause, so ProviderUnavailableException's initCause currently throws
     * IllegalStateException; then the cause is dropped (the message already names its kind).
     */
    private static ProviderUnavailableException unavailable(String message, Throwable cause) {
        try {
            return new ProviderUnavailableException(message, cause);
        } catch (IllegalStateException e) {
            return new ProviderUnavailableException(message, null);
        }
    }
}
