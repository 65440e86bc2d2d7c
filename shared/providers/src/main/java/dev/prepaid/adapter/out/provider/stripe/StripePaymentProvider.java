package dev.prepaid.adapter.out.provider.stripe;

import dev.prepaid.adapter.out.provider.CheckoutLifetimeConfig;
import dev.prepaid.adapter.out.provider.ProviderIds;
import dev.prepaid.adapter.out.provider.ProviderSecrets;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeObject;
import com.stripe.net.RequestOptions;
import com.stripe.net.StripeResponse;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerPaymentMethodListParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.InvalidSignatureException;
import dev.prepaid.domain.payment.Invoice;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import dev.prepaid.domain.payment.SavedPaymentMethod;
import dev.prepaid.domain.payment.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Stripe Checkout, webhooks, subscriptions and the billing portal through stripe-java's
 * {@link StripeClient}. Webhooks are verified with stripe-java and then read as raw JSON
 * ({@link StripeEvents}), so events of any API version map the same way.
 */
public final class StripePaymentProvider implements dev.prepaid.port.out.PaymentProvider {
    public static final String NAME = "stripe";
    /** Seconds a webhook's signed timestamp may lag our clock (Stripe's default). */
    public static final long WEBHOOK_TOLERANCE_SECONDS = 300;
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 10_000;
    static final int MAX_NETWORK_RETRIES = 2;
    /** Saved cards listed at most (one Stripe page). */
    static final long MAX_PAYMENT_METHODS = 100;

    private final StripeClient client;
    private final String webhookSecret;
    private final Map<String, String> priceIdsByProductId;
    private final Clock clock;
    private final CheckoutLifetime checkoutLifetime;
    private final Map<String, String> methodConfigurationsByProductId;

    /** With the default checkout lifetime. */
    public StripePaymentProvider(StripeClient client, String webhookSecret, Map<String, String> priceIdsByProductId,
                                 Clock clock) {
        this(client, webhookSecret, priceIdsByProductId, clock, CheckoutLifetime.DEFAULT);
    }

    /**
     * @param checkoutLifetime a checkout session expires this long after its order was created ({@code expires_at})
     */
    public StripePaymentProvider(StripeClient client, String webhookSecret, Map<String, String> priceIdsByProductId,
                                 Clock clock, CheckoutLifetime checkoutLifetime) {
        this(client, webhookSecret, priceIdsByProductId, clock, checkoutLifetime, Map.of());
    }

    /**
     * @param methodConfigurationsByProductId a Stripe payment method configuration ({@code pmc_...}) per product, for
     *                                        the products whose methods are managed in the Dashboard: their checkout
     *                                        without a buyer's choice sends {@code payment_method_configuration}
     *                                        instead of the catalog's {@code payment_method_types}
     */
    public StripePaymentProvider(StripeClient client, String webhookSecret, Map<String, String> priceIdsByProductId,
                                 Clock clock, CheckoutLifetime checkoutLifetime,
                                 Map<String, String> methodConfigurationsByProductId) {
        this.methodConfigurationsByProductId = Map.copyOf(Objects.requireNonNull(methodConfigurationsByProductId,
                "methodConfigurationsByProductId"));
        this.client = Objects.requireNonNull(client, "client");
        if (webhookSecret == null || webhookSecret.isBlank()) {
            throw new IllegalArgumentException("the Stripe webhook secret is required");
        }
        this.webhookSecret = webhookSecret;
        this.priceIdsByProductId = Map.copyOf(Objects.requireNonNull(priceIdsByProductId, "priceIdsByProductId"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkoutLifetime = Objects.requireNonNull(checkoutLifetime, "checkoutLifetime");
    }

    /**
     * Reads STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, PAYMENT_ENV (local | test | production, default
     * local), optional STRIPE_API_BASE and CHECKOUT_LIFETIME_MINUTES, and the price of every product of the
     * catalog ({@link ProviderIds}: STRIPE_PRICE_&lt;PRODUCT&gt;_&lt;PAYMENT_ENV&gt; or STRIPE_PRICE_&lt;PRODUCT&gt;).
     * Everything is checked here, at start-up: a missing price is not left to fail the first purchase.
     * Messages name variables and never contain a secret.
     */
    public static StripePaymentProvider fromEnv(Env env, ProductCatalog catalog) {
        String paymentEnv = env.optional("PAYMENT_ENV", "local").trim().toLowerCase(Locale.ROOT);
        if (!List.of("local", "test", "production").contains(paymentEnv)) {
            throw new IllegalStateException("PAYMENT_ENV must be local, test or production");
        }
        boolean production = paymentEnv.equals("production");
        String secretKey = env.required("STRIPE_SECRET_KEY").trim();
        boolean liveKey = secretKey.startsWith("sk_live_") || secretKey.startsWith("rk_live_");
        boolean testKey = secretKey.startsWith("sk_test_") || secretKey.startsWith("rk_test_");
        if (production && !liveKey) {
            throw new IllegalStateException("STRIPE_SECRET_KEY must be a live key (sk_live_... or rk_live_...) when"
                    + " PAYMENT_ENV=production; the configured key " + describeKey(secretKey, liveKey, testKey));
        }
        if (!production && !testKey) {
            throw new IllegalStateException("STRIPE_SECRET_KEY must be a test key (sk_test_... or rk_test_...) when"
                    + " PAYMENT_ENV=" + paymentEnv + "; the configured key " + describeKey(secretKey, liveKey, testKey));
        }
        CheckoutLifetime lifetime = CheckoutLifetimeConfig.fromEnv(env);
        String webhookSecret = env.required("STRIPE_WEBHOOK_SECRET").trim();
        if (!webhookSecret.startsWith("whsec_")) {
            throw new IllegalStateException("STRIPE_WEBHOOK_SECRET is not a webhook signing secret (whsec_...); the"
                    + " configured value ends " + ProviderSecrets.mask(webhookSecret));
        }
        Map<String, String> prices = ProviderIds.fromEnv(env, NAME, catalog,
                "the Stripe price id of every product in the catalog");
        StripeClient.StripeClientBuilder builder = StripeClient.builder()
                .setApiKey(secretKey)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setReadTimeout(READ_TIMEOUT_MS)
                .setMaxNetworkRetries(MAX_NETWORK_RETRIES);
        String apiBase = env.optional("STRIPE_API_BASE", null);
        if (apiBase != null) {
            apiBase = apiBase.trim().replaceAll("/+$", "");
            if (production && !apiBase.startsWith("https://")) {
                throw new IllegalStateException("STRIPE_API_BASE must be an https URL when PAYMENT_ENV=production");
            }
            if (!apiBase.startsWith("https://") && !apiBase.startsWith("http://")) {
                throw new IllegalStateException("STRIPE_API_BASE must be an http(s) URL");
            }
            builder.setApiBase(apiBase);
        }
        return new StripePaymentProvider(builder.build(), webhookSecret, prices, Clock.systemUTC(), lifetime,
                methodConfigurations(env, catalog, paymentEnv));
    }

    /** The variable naming a product's payment method configuration: STRIPE_PAYMENT_METHOD_CONFIGURATION_PACK. */
    public static String methodConfigurationVariable(String productId) {
        return "STRIPE_PAYMENT_METHOD_CONFIGURATION_" + productId.toUpperCase(Locale.ROOT);
    }

    /** Optional per product: {@code <variable>_<PAYMENT_ENV>} wins over the plain variable; each must be a pmc_ id. */
    static Map<String, String> methodConfigurations(Env env, ProductCatalog catalog, String paymentEnv) {
        Map<String, String> configurations = new LinkedHashMap<>();
        for (Product product : catalog.all()) {
            String plain = methodConfigurationVariable(product.id());
            String perEnv = plain + "_" + paymentEnv.toUpperCase(Locale.ROOT);
            String value = env.optional(perEnv, null);
            if (value == null || value.isBlank()) {
                value = env.optional(plain, null);
            }
            if (value != null && !value.isBlank()) {
                if (!value.trim().startsWith("pmc_")) {
                    throw new IllegalStateException(plain + " must be a payment method configuration id (pmc_...)");
                }
                configurations.put(product.id(), value.trim());
            }
        }
        return configurations;
    }

    /**
     * Catalog check's view of Stripe prices: {@code GET /v1/prices/{id}} with {@code expand[]=currency_options}
     * through stripe-java. Needs only STRIPE_SECRET_KEY (and STRIPE_API_BASE for the fake); read-only, so a
     * restricted key with read access to prices is enough. A 404 (resource_missing) is an unknown price.
     */
    public static dev.prepaid.adapter.out.provider.CatalogCheck.PriceLookup priceLookup(Env env) {
        StripeClient.StripeClientBuilder builder = StripeClient.builder()
                .setApiKey(env.required("STRIPE_SECRET_KEY").trim())
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setReadTimeout(READ_TIMEOUT_MS)
                .setMaxNetworkRetries(MAX_NETWORK_RETRIES);
        String apiBase = env.optional("STRIPE_API_BASE", null);
        if (apiBase != null) {
            builder.setApiBase(apiBase.trim().replaceAll("/+$", ""));
        }
        StripeClient client = builder.build();
        return priceId -> {
            try {
                com.stripe.model.Price price = client.v1().prices().retrieve(priceId,
                        com.stripe.param.PriceRetrieveParams.builder().addExpand("currency_options").build());
                Map<String, Long> amounts = new LinkedHashMap<>();
                if (price.getUnitAmount() != null) {
                    amounts.put(price.getCurrency(), price.getUnitAmount());
                }
                if (price.getCurrencyOptions() != null) {
                    price.getCurrencyOptions().forEach((currency, option) -> {
                        if (option.getUnitAmount() != null) {
                            amounts.putIfAbsent(currency, option.getUnitAmount());
                        }
                    });
                }
                return java.util.Optional.of(new dev.prepaid.adapter.out.provider.CatalogCheck.ProviderPrice(
                        price.getCurrency(), price.getRecurring() == null ? null : price.getRecurring().getInterval(),
                        amounts));
            } catch (InvalidRequestException e) {
                if (Integer.valueOf(404).equals(e.getStatusCode())) {
                    return java.util.Optional.empty();
                }
                throw unavailable("retrieve price " + priceId, e);
            } catch (StripeException | RuntimeException e) {
                throw unavailable("retrieve price " + priceId, e);
            }
        };
    }

    private static String describeKey(String key, boolean live, boolean test) {
        String kind = live ? "is a live-mode key" : test ? "is a test-mode key" : "is not a Stripe secret or restricted key";
        return kind + " (" + ProviderSecrets.mask(key) + ")";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(product, "product");
        if (!order.productId().equals(product.id())) {
            throw new IllegalArgumentException("order " + order.orderId() + " is for " + order.productId()
                    + ", not " + product.id());
        }
        String priceId = priceIdsByProductId.get(product.id());
        if (priceId == null) {
            throw new IllegalStateException("no Stripe price for product " + product.id() + " ("
                    + ProductCatalog.providerIdVariable(NAME, product.id()) + ")");
        }
        String orderId = order.orderId().value();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("orderId", orderId);
        metadata.put("userId", order.userId().value());
        metadata.put("productId", product.id());

        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(product.isSubscription() ? SessionCreateParams.Mode.SUBSCRIPTION : SessionCreateParams.Mode.PAYMENT)
                .addLineItem(SessionCreateParams.LineItem.builder().setPrice(priceId).setQuantity(1L).build())
                .setClientReferenceId(orderId)
                .putAllMetadata(metadata)
                .setSuccessUrl(withSessionId(successUrl))
                .setCancelUrl(cancelUrl)
                // From the order's creation, not from now: a retry sends identical parameters under the same
                // idempotency key (different ones would be Stripe's idempotency_error). Stripe itself expires the
                // session then (checkout.session.expired), well before its 24-hour default.
                .setExpiresAt(checkoutLifetime.expiresAt(order.createdAt()).getEpochSecond());
        List<String> methods = order.checkoutMethods(product);
        String configuration = order.paymentMethod() == null ? methodConfigurationsByProductId.get(product.id()) : null;
        if (configuration != null) {
            // the methods are managed in the Dashboard's configuration (Stripe takes one or the other)
            params.setPaymentMethodConfiguration(configuration);
        } else {
            for (String method : methods) {
                params.addPaymentMethodType(paymentMethodType(method));
            }
        }
        if (methods.contains("wechat_pay")) {
            // Stripe requires the client for WeChat Pay in Checkout: web shows a QR code to scan.
            params.setPaymentMethodOptions(SessionCreateParams.PaymentMethodOptions.builder()
                    .setWechatPay(SessionCreateParams.PaymentMethodOptions.WechatPay.builder()
                            .setClient(SessionCreateParams.PaymentMethodOptions.WechatPay.Client.WEB).build())
                    .build());
        }
        if (product.allowPromotionCodes()) {
            params.setAllowPromotionCodes(true);
        }
        if (!order.amount().currency().equals(product.price().currency())) {
            // Another of the catalog's currencies: the Stripe price carries it in currency_options, and the
            // session charges it (catalog check verifies the amount there matches the catalog).
            params.setCurrency(order.amount().currency());
        }
        if (product.isSubscription()) {
            params.setSubscriptionData(SessionCreateParams.SubscriptionData.builder().putAllMetadata(metadata).build());
        } else {
            params.setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder().putAllMetadata(metadata).build());
        }
        RequestOptions options = RequestOptions.builder().setIdempotencyKey("checkout-" + orderId).build();
        try {
            com.stripe.model.checkout.Session session = client.v1().checkout().sessions().create(params.build(), options);
            return new CheckoutSession(session.getId(), session.getUrl());
        } catch (StripeException | RuntimeException e) {
            throw unavailable("create checkout for order " + orderId, e);
        }
    }

    /** Our payment method names are Stripe's {@code payment_method_types} values. */
    static SessionCreateParams.PaymentMethodType paymentMethodType(String method) {
        return switch (method) {
            case "card" -> SessionCreateParams.PaymentMethodType.CARD;
            case "alipay" -> SessionCreateParams.PaymentMethodType.ALIPAY;
            case "wechat_pay" -> SessionCreateParams.PaymentMethodType.WECHAT_PAY;
            case "crypto" -> SessionCreateParams.PaymentMethodType.CRYPTO; // stablecoin payments (USDC)
            default -> throw new IllegalArgumentException("no Stripe payment method type for " + method);
        };
    }

    /** Stripe replaces {CHECKOUT_SESSION_ID} in the success URL with the session's id. */
    static String withSessionId(String successUrl) {
        Objects.requireNonNull(successUrl, "successUrl");
        return successUrl + (successUrl.contains("?") ? "&" : "?") + "session_id={CHECKOUT_SESSION_ID}";
    }

    @Override
    public CheckoutState fetchCheckout(String checkoutId) {
        if (checkoutId == null || checkoutId.isBlank()) {
            throw new IllegalArgumentException("checkoutId is required");
        }
        JsonNode session;
        try {
            session = raw(client.v1().checkout().sessions().retrieve(checkoutId));
        } catch (StripeException | RuntimeException e) {
            throw unavailable("fetch checkout " + checkoutId, e);
        }
        String id = StripeEvents.text(session, "id") == null ? checkoutId : StripeEvents.text(session, "id");
        String status = StripeEvents.text(session, "status");
        if ("complete".equals(status)) {
            if (StripeEvents.isPaid(session)) {
                return new CheckoutState(id, CheckoutState.Status.PAID,
                        StripeEvents.checkoutPaid("fetch:" + id, "checkout.session.fetched", session));
            }
            return new CheckoutState(id, CheckoutState.Status.PROCESSING, null); // an async payment method is pending
        }
        if ("expired".equals(status)) {
            return new CheckoutState(id, CheckoutState.Status.EXPIRED, null);
        }
        return new CheckoutState(id, CheckoutState.Status.OPEN, null);
    }

    @Override
    public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
        String signature = header(headers, "stripe-signature");
        if (signature == null || signature.isBlank()) {
            throw new InvalidSignatureException("the Stripe-Signature header is missing");
        }
        if (rawBody == null || rawBody.length == 0) {
            throw new InvalidSignatureException("the webhook has no body");
        }
        String payload = new String(rawBody, StandardCharsets.UTF_8);
        try {
            // Verifies first (HMAC-SHA256 over "t.payload", constant-time, timestamp within the tolerance of
            // our clock); the typed Event it then builds is not used.
            Webhook.constructEvent(payload, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException e) {
            throw new InvalidSignatureException("the Stripe webhook signature does not verify");
        } catch (RuntimeException e) {
            // Either a malformed header made verification itself throw, or the signature verified and
            // stripe-java could not type the event (we read the raw JSON below anyway). Tell them apart by
            // verifying alone: nothing passes here unless the signature holds.
            try {
                Webhook.Signature.verifyHeader(payload, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS, clock);
            } catch (SignatureVerificationException | RuntimeException invalid) {
                throw new InvalidSignatureException("the Stripe webhook signature does not verify");
            }
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a signed Stripe webhook is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("a signed Stripe webhook is not a JSON object");
        }
        return withLineProducts(StripeEvents.map(event));
    }

    /** A paid invoice's line price mapped to our product: the price ids are this provider's configuration. */
    private List<PaymentEvent> withLineProducts(List<PaymentEvent> events) {
        List<PaymentEvent> mapped = new ArrayList<>(events.size());
        for (PaymentEvent event : events) {
            if (event instanceof PaymentEvent.SubscriptionPaid paid && paid.linePriceRef() != null) {
                mapped.add(paid.withLineProduct(productOfPrice(paid.linePriceRef())));
            } else if (event instanceof PaymentEvent.SubscriptionChanged changed && changed.priceRef() != null) {
                mapped.add(changed.withProduct(productOfPrice(changed.priceRef())));
            } else {
                mapped.add(event);
            }
        }
        return mapped;
    }

    /** Our product sold at a Stripe price, or null when the price is not in this environment's catalog. */
    String productOfPrice(String priceId) {
        for (Map.Entry<String, String> entry : priceIdsByProductId.entrySet()) {
            if (entry.getValue().equals(priceId)) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String value = headers.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    @Override
    public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
        Objects.requireNonNull(subscription, "subscription");
        String id = subscription.subscriptionId();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the subscription has no Stripe id");
        }
        JsonNode result;
        try {
            result = raw(atPeriodEnd
                    ? client.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build())
                    : client.v1().subscriptions().cancel(id));
        } catch (StripeException | RuntimeException e) {
            throw unavailable((atPeriodEnd ? "cancel at period end subscription " : "cancel subscription ") + id, e);
        }
        String status = StripeEvents.text(result, "status");
        java.time.Instant periodEnd = StripeEvents.currentPeriodEnd(result);
        String customer = StripeEvents.idOf(result, "customer");
        return new Subscription(subscription.userId(), subscription.provider(), id, subscription.productId(),
                status != null ? status : subscription.status(),
                periodEnd != null ? periodEnd : subscription.currentPeriodEnd(),
                StripeEvents.willCancel(result),
                customer != null ? customer : subscription.customerRef(),
                clock.instant());
    }

    /**
     * The subscription's single item takes the target's price. No idempotency key: setting a price the item
     * already has changes nothing and invoices nothing, so a retry is harmless, while a key would replay an
     * older change (pro, then basic, then pro again within a day).
     */
    @Override
    public void changePlan(Subscription subscription, Product target) {
        Objects.requireNonNull(subscription, "subscription");
        String id = subscription.subscriptionId();
        String priceId = priceIdsByProductId.get(target.id());
        if (priceId == null) {
            throw new IllegalStateException("no Stripe price for product " + target.id() + " ("
                    + ProductCatalog.providerIdVariable(NAME, target.id()) + ")");
        }
        try {
            JsonNode current = raw(client.v1().subscriptions().retrieve(id));
            String itemId = StripeEvents.text(current.path("items").path("data").path(0), "id");
            if (itemId == null) {
                throw new IllegalStateException("Stripe subscription " + id + " has no item");
            }
            client.v1().subscriptions().update(id, SubscriptionUpdateParams.builder()
                    .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(priceId).build())
                    .setProrationBehavior(target.proration() == Product.PlanChangeProration.ALWAYS_INVOICE
                            ? SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE
                            : SubscriptionUpdateParams.ProrationBehavior.NONE)
                    .build());
        } catch (StripeException | RuntimeException e) {
            throw unavailable("change the plan of subscription " + id, e);
        }
    }

    @Override
    public String billingPortalUrl(Subscription subscription, String returnUrl) {
        Objects.requireNonNull(subscription, "subscription");
        String customer = subscription.customerRef();
        if (customer == null || customer.isBlank()) {
            throw new IllegalArgumentException("subscription " + subscription.subscriptionId() + " has no Stripe customer");
        }
        try {
            com.stripe.model.billingportal.Session session = client.v1().billingPortal().sessions().create(
                    com.stripe.param.billingportal.SessionCreateParams.builder()
                            .setCustomer(customer)
                            .setReturnUrl(returnUrl)
                            .build());
            return session.getUrl();
        } catch (StripeException | RuntimeException e) {
            throw unavailable("open the billing portal for customer " + customer, e);
        }
    }

    @Override
    public List<Invoice> invoices(String customerRef, int limit) {
        String customer = requireCustomer(customerRef);
        JsonNode list;
        try {
            list = raw(client.v1().invoices().list(InvoiceListParams.builder()
                    .setCustomer(customer).setLimit((long) limit).build()));
        } catch (StripeException | RuntimeException e) {
            throw unavailable("list the invoices of customer " + customer, e);
        }
        List<Invoice> result = new ArrayList<>();
        for (JsonNode invoice : list.path("data")) {
            String currency = StripeEvents.text(invoice, "currency");
            result.add(new Invoice(StripeEvents.text(invoice, "id"), StripeEvents.text(invoice, "number"),
                    StripeEvents.text(invoice, "status"),
                    new Money(invoice.path("amount_due").asLong(0), currency),
                    new Money(invoice.path("amount_paid").asLong(0), currency),
                    java.time.Instant.ofEpochSecond(invoice.path("created").asLong(0)),
                    StripeEvents.text(invoice, "hosted_invoice_url"), StripeEvents.text(invoice, "invoice_pdf")));
        }
        return result;
    }

    @Override
    public List<SavedPaymentMethod> savedPaymentMethods(String customerRef) {
        String customer = requireCustomer(customerRef);
        JsonNode list;
        try {
            list = raw(client.v1().customers().paymentMethods().list(customer, CustomerPaymentMethodListParams.builder()
                    .setType(CustomerPaymentMethodListParams.Type.CARD).setLimit(MAX_PAYMENT_METHODS).build()));
        } catch (StripeException | RuntimeException e) {
            throw unavailable("list the payment methods of customer " + customer, e);
        }
        List<SavedPaymentMethod> result = new ArrayList<>();
        for (JsonNode method : list.path("data")) {
            JsonNode card = method.path("card");
            result.add(new SavedPaymentMethod(StripeEvents.text(method, "id"), StripeEvents.text(method, "type"),
                    StripeEvents.text(card, "brand"), StripeEvents.text(card, "last4"),
                    card.path("exp_month").isIntegralNumber() ? card.get("exp_month").asInt() : null,
                    card.path("exp_year").isIntegralNumber() ? card.get("exp_year").asInt() : null));
        }
        return result;
    }

    /** The customer's {@code invoice_settings.default_payment_method} (expanded or not); empty without one. */
    @Override
    public java.util.Optional<String> defaultPaymentMethod(String customerRef) {
        String customer = requireCustomer(customerRef);
        JsonNode node;
        try {
            node = raw(client.v1().customers().retrieve(customer));
        } catch (com.stripe.exception.InvalidRequestException e) {
            if (e.getStatusCode() != null && e.getStatusCode() == 404) {
                return java.util.Optional.empty(); // a customer Stripe no longer knows has no card
            }
            throw unavailable("read customer " + customer, e);
        } catch (StripeException | RuntimeException e) {
            throw unavailable("read customer " + customer, e);
        }
        if (node.path("deleted").asBoolean(false)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(
                StripeEvents.idOf(node.path("invoice_settings"), "default_payment_method"));
    }

    /**
     * A PaymentIntent for the order's amount, {@code off_session=true, confirm=true} with the customer's saved
     * card; metadata {@code orderId}, {@code userId}, {@code productId} and {@code autoTopup=true} (which is how
     * its {@code payment_intent.*} webhooks are told from a checkout's own payment intent); idempotency key
     * {@code autotopup-<orderId>}. A {@code card_error} (declined, authentication required) is a refusal.
     */
    @Override
    public dev.prepaid.domain.payment.OffSessionCharge chargeOffSession(Order order, String customerRef,
                                                                        String paymentMethod) {
        Objects.requireNonNull(order, "order");
        String customer = requireCustomer(customerRef);
        if (paymentMethod == null || paymentMethod.isBlank()) {
            throw new IllegalArgumentException("paymentMethod is required");
        }
        String orderId = order.orderId().value();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("orderId", orderId);
        metadata.put("userId", order.userId().value());
        metadata.put("productId", order.productId());
        metadata.put(StripeEvents.AUTO_TOPUP_METADATA, "true");
        com.stripe.param.PaymentIntentCreateParams params = com.stripe.param.PaymentIntentCreateParams.builder()
                .setAmount(order.amount().minor())
                .setCurrency(order.amount().currency().toLowerCase(Locale.ROOT))
                .setCustomer(customer)
                .setPaymentMethod(paymentMethod)
                .setOffSession(true)
                .setConfirm(true)
                .putAllMetadata(metadata)
                .build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey("autotopup-" + orderId).build();
        try {
            JsonNode intent = raw(client.v1().paymentIntents().create(params, options));
            String id = StripeEvents.text(intent, "id");
            String status = StripeEvents.text(intent, "status");
            if ("succeeded".equals(status) || "processing".equals(status)) {
                return new dev.prepaid.domain.payment.OffSessionCharge.Accepted(id, status);
            }
            // requires_action / requires_payment_method without an error: the customer would have to be present
            return new dev.prepaid.domain.payment.OffSessionCharge.Refused(id,
                    "requires_action".equals(status) ? "authentication_required" : "payment_" + status, null,
                    "the payment needs the customer (" + status + ")");
        } catch (com.stripe.exception.CardException e) {
            com.stripe.model.StripeError error = e.getStripeError();
            String intent = error != null && error.getPaymentIntent() != null ? error.getPaymentIntent().getId() : null;
            return new dev.prepaid.domain.payment.OffSessionCharge.Refused(intent,
                    e.getCode() != null ? e.getCode() : "card_error", e.getDeclineCode(),
                    error != null && error.getMessage() != null ? error.getMessage() : "the card was refused");
        } catch (StripeException | RuntimeException e) {
            throw unavailable("charge the saved card of customer " + customer + " for order " + orderId, e);
        }
    }

    private static String requireCustomer(String customerRef) {
        if (customerRef == null || !customerRef.startsWith("cus_")) {
            throw new IllegalArgumentException("not a Stripe customer id");
        }
        return customerRef;
    }

    /** The response body as Stripe sent it, so fields of any API version can be read. */
    private static JsonNode raw(StripeObject object) {
        StripeResponse response = object.getLastResponse();
        String body = response != null ? response.body() : object.toJson();
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalStateException("Stripe answered with something other than a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stripe answered with malformed JSON");
        }
    }

    /**
     * A safe description of a failed call: what we tried, the kind of failure, HTTP status, Stripe's error
     * code and parameter, and its request id. Never the API key, never Stripe's free-text message (it can
     * quote request values). No cause is attached: the domain exception does not take one, and a
     * StripeException's message is not ours to vouch for.
     */
    static ProviderUnavailableException unavailable(String operation, Exception e) {
        StringBuilder message = new StringBuilder("Stripe could not ").append(operation).append(": ");
        if (e instanceof ApiConnectionException) {
            message.append("no answer from Stripe (connection failed or timed out)");
        } else if (e instanceof AuthenticationException) {
            message.append("authentication failed (check STRIPE_SECRET_KEY)");
        } else if (e instanceof PermissionException) {
            message.append("permission denied (a restricted key lacks a permission)");
        } else if (e instanceof RateLimitException) {
            message.append("rate limited");
        } else if (e instanceof IdempotencyException) {
            message.append("idempotency key reused with different parameters");
        } else if (e instanceof InvalidRequestException) {
            message.append("request refused");
        } else if (e instanceof StripeException) {
            message.append("Stripe error");
        } else {
            message.append("unreadable answer (").append(e.getClass().getSimpleName()).append(')');
        }
        if (e instanceof StripeException se) {
            if (se.getStatusCode() != null && se.getStatusCode() > 0) {
                message.append(", http ").append(se.getStatusCode());
            }
            if (se.getCode() != null) {
                message.append(", code ").append(se.getCode());
            }
            if (se.getStripeError() != null && se.getStripeError().getParam() != null) {
                message.append(", param ").append(se.getStripeError().getParam());
            }
            if (se.getRequestId() != null) {
                message.append(", request ").append(se.getRequestId());
            }
        }
        return new ProviderUnavailableException(message.toString(), null);
    }
}
