package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.adapter.out.dynamodb.DynamoRateLimiter;
import dev.prepaid.adapter.out.dynamodb.DynamoWebhookInbox;
import dev.prepaid.adapter.out.provider.CheckoutLifetimeConfig;
import dev.prepaid.adapter.out.provider.ProviderSecrets;
import dev.prepaid.adapter.out.provider.SecretBackedProvider;
import dev.prepaid.adapter.out.provider.creem.CreemPaymentProvider;
import dev.prepaid.adapter.out.secrets.CachedSecret;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.adapter.out.provider.stripe.StripePaymentProvider;
import dev.prepaid.adapter.out.sqs.SqsEventQueue;
import dev.prepaid.application.CheckoutConfirmation;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.application.OrderService;
import dev.prepaid.application.SubscriptionService;
import dev.prepaid.application.WebhookIntake;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.port.out.PaymentProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The payment functions' part of the one wiring place ({@code dev.prepaid.wiring}; the ledger-only functions' part
 * is in shared/aws, so a function that takes no payment carries no provider SDK). Builds the purchase side from configuration, once per execution environment. Everything a function
 * needs is checked here, at init: a missing price id, secret or URL fails the cold start with the
 * variable's name instead of failing a customer's first purchase.
 */
public final class PaymentWiring {
    public static final List<String> PROVIDERS = List.of("stripe", "creem", "mock");

    private final Env env;
    private final Clock clock;
    private final DynamoDbClient dynamo;
    private final Supplier<SqsClient> sqs;
    private final String table;
    private final ProductCatalog catalog;
    private final CheckoutLifetime checkoutLifetime;
    private final Map<String, PaymentProvider> providers;
    private final PaymentProvider active;

    /**
     * Everything from {@code env}; the provider keys from the environment, or, when {@code PROVIDER_SECRETS_ARN}
     * is set, from Secrets Manager on first use (see {@link ProviderSecrets}).
     */
    public static PaymentWiring fromEnv(Env env) {
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        return new PaymentWiring(env, Clock.systemUTC(), dynamo, () -> AwsClients.sqs(env), null);
    }

    /**
     * @param providers the providers to use, or null to build the configured ones from {@code env}: at once from
     *                  the keys in it, or, when {@code PROVIDER_SECRETS_ARN} is set, each on its first use from
     *                  the secret (nothing is read here, so nothing secret goes into a SnapStart snapshot)
     */
    public PaymentWiring(Env env, Clock clock, DynamoDbClient dynamo, Supplier<SqsClient> sqs,
                         Map<String, PaymentProvider> providers) {
        this.env = env;
        this.clock = clock;
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.table = env.required("TABLE_NAME");
        this.catalog = dev.prepaid.adapter.catalog.CatalogFile.fromEnv(env).products();
        this.checkoutLifetime = CheckoutLifetimeConfig.fromEnv(env);
        this.providers = providers != null ? Map.copyOf(providers)
                : ProviderSecrets.cached(env).map(secret -> secretBackedProviders(env, secret, catalog, dynamo, table))
                        .orElseGet(() -> configuredProviders(env, catalog, dynamo, table));
        String activeName = env.required("PAYMENT_PROVIDER").toLowerCase(Locale.ROOT);
        this.active = this.providers.get(activeName);
        if (active == null) {
            throw new IllegalStateException("PAYMENT_PROVIDER must be one of " + PROVIDERS + ", not " + activeName);
        }
    }

    /** The active provider always; the others when their credentials are present (in-flight migrations). */
    static Map<String, PaymentProvider> configuredProviders(Env env, ProductCatalog catalog, DynamoDbClient dynamo,
                                                            String table) {
        String activeName = env.required("PAYMENT_PROVIDER").toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(activeName)) {
            throw new IllegalStateException("PAYMENT_PROVIDER must be one of " + PROVIDERS + ", not " + activeName);
        }
        Map<String, PaymentProvider> result = new LinkedHashMap<>();
        if (activeName.equals("stripe") || env.optional("STRIPE_SECRET_KEY", null) != null) {
            result.put("stripe", StripePaymentProvider.fromEnv(env, catalog));
        }
        if (activeName.equals("creem") || env.optional("CREEM_API_KEY", null) != null) {
            result.put("creem", CreemPaymentProvider.fromEnv(env, catalog));
        }
        if (activeName.equals("mock") || env.optional("MOCK_WEBHOOK_SECRET", null) != null) {
            result.put("mock", MockPaymentProvider.fromEnv(env, catalog, dynamo, table));
        }
        return result;
    }

    /**
     * With the keys in Secrets Manager: every provider, each built on its first use from the environment with the
     * secret laid over it, and again when the secret changes. The active one must have its keys; another is
     * configured when its key is in the secret (in-flight migrations), and refused with provider_not_configured
     * when it is not.
     */
    static Map<String, PaymentProvider> secretBackedProviders(Env env, CachedSecret secret, ProductCatalog catalog,
                                                              DynamoDbClient dynamo, String table) {
        String activeName = env.required("PAYMENT_PROVIDER").toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(activeName)) {
            throw new IllegalStateException("PAYMENT_PROVIDER must be one of " + PROVIDERS + ", not " + activeName);
        }
        Map<String, PaymentProvider> result = new LinkedHashMap<>();
        result.put("stripe", new SecretBackedProvider("stripe", "STRIPE_SECRET_KEY", activeName.equals("stripe"), env,
                secret, e -> StripePaymentProvider.fromEnv(e, catalog)));
        result.put("creem", new SecretBackedProvider("creem", "CREEM_API_KEY", activeName.equals("creem"), env,
                secret, e -> CreemPaymentProvider.fromEnv(e, catalog)));
        result.put("mock", new SecretBackedProvider("mock", "MOCK_WEBHOOK_SECRET", activeName.equals("mock"), env,
                secret, e -> MockPaymentProvider.fromEnv(e, catalog, dynamo, table)));
        return result;
    }

    public Env env() {
        return env;
    }

    public ProductCatalog catalog() {
        return catalog;
    }

    /** CHECKOUT_LIFETIME_MINUTES: how long checkouts stay open (the providers built here use the same). */
    public CheckoutLifetime checkoutLifetime() {
        return checkoutLifetime;
    }

    public PaymentProvider activeProvider() {
        return active;
    }

    public Map<String, PaymentProvider> providers() {
        return providers;
    }

    public DynamoLedgerStore ledger() {
        // the outbox: events announced to APP_EVENTS_QUEUE_URL when set (else the sweeper finds them)
        return LedgerWiring.ledger(dynamo, env, sqs);
    }

    public DynamoOrderStore orders() {
        // subscription changes that move no credits write their own outbox events, announced the same way
        return LedgerWiring.orders(dynamo, env, sqs);
    }

    public FulfilmentService fulfilment() {
        return new FulfilmentService(ledger(), orders(), catalog,
                ClawbackPolicy.parse(env.optional("CLAWBACK_POLICY", "allow_negative")), clock);
    }

    public OrderService orderService() {
        return new OrderService(orders(), active, catalog, new DynamoRateLimiter(dynamo, table, clock),
                env.required("CALLBACK_URL"), clock);
    }

    public SubscriptionService subscriptionService() {
        return new SubscriptionService(orders(), providers, catalog, planChanges(), clock);
    }

    public dev.prepaid.application.PlanChanges planChanges() {
        return new dev.prepaid.application.PlanChanges(ledger(), catalog, clock);
    }

    public CheckoutConfirmation checkoutConfirmation() {
        return new CheckoutConfirmation(orders(), active, fulfilment(), clock);
    }

    public WebhookIntake webhookIntake() {
        return new WebhookIntake(providers, new DynamoWebhookInbox(dynamo, table, clock),
                new SqsEventQueue(sqs.get(), env.required("FULFILMENT_QUEUE_URL")));
    }

    /**
     * Auto top-up (docs/auto-topup.md): AUTO_TOPUP_COOLDOWN_MINUTES (default 60), AUTO_TOPUP_MONTHLY_CAP (attempts a
     * UTC month, default 5), AUTO_TOPUP_MAX_FAILURES (consecutive failures before it is disabled, default 3); failure
     * events are announced to APP_EVENTS_QUEUE_URL when set.
     */
    public dev.prepaid.application.AutoTopupService autoTopupService() {
        return new dev.prepaid.application.AutoTopupService(
                new dev.prepaid.adapter.out.dynamodb.DynamoAutoTopupStore(dynamo, table), orders(), providers, catalog,
                autoTopupPolicy(env), LedgerWiring.notifier(env, sqs), clock);
    }

    public static dev.prepaid.domain.topup.AutoTopupPolicy autoTopupPolicy(Env env) {
        dev.prepaid.domain.topup.AutoTopupPolicy defaults = dev.prepaid.domain.topup.AutoTopupPolicy.defaults();
        return new dev.prepaid.domain.topup.AutoTopupPolicy(
                java.time.Duration.ofMinutes(whole(env, "AUTO_TOPUP_COOLDOWN_MINUTES", defaults.cooldown().toMinutes(), 0)),
                (int) whole(env, "AUTO_TOPUP_MONTHLY_CAP", defaults.monthlyCap(), 1),
                (int) whole(env, "AUTO_TOPUP_MAX_FAILURES", defaults.maxFailures(), 1),
                defaults.staleAttempt());
    }

    private static long whole(Env env, String name, long fallback, long min) {
        String raw = env.optional(name, null);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min || value > 100_000) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number from " + min + " to 100000");
        }
    }

    /** Origins a billing-portal return URL may point at: RETURN_URL_ORIGINS, else SUCCESS_URL's origin. */
    public List<String> returnUrlOrigins() {
        String configured = env.optional("RETURN_URL_ORIGINS", null);
        List<String> origins = new ArrayList<>();
        if (configured != null) {
            Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(origins::add);
        } else {
            java.net.URI success = java.net.URI.create(env.required("SUCCESS_URL"));
            origins.add(success.getScheme() + "://" + success.getHost() + (success.getPort() == -1 ? "" : ":" + success.getPort()));
        }
        return origins;
    }
}
