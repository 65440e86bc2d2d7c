package dev.prepaid.local.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What differs locally from the deployed stack, and nothing else. The template's environment is kept; on top
 * of it:
 * <ul>
 *   <li>every function: {@code DYNAMODB_ENDPOINT} and {@code SQS_ENDPOINT} (the in-process engines);</li>
 *   <li>where the template declares them: {@code PAYMENT_PROVIDER=mock}, {@code PAYMENT_ENV=local},
 *       {@code SUCCESS_URL} / {@code CANCEL_URL} (the demo page), {@code RETURN_URL_ORIGINS} (its origin);</li>
 *   <li>the purchase functions (those declaring {@code PAYMENT_PROVIDER} or {@code PROVIDER_SECRETS_ARN}): the
 *       mock provider's {@code MOCK_WEBHOOK_SECRET} (in place of Secrets Manager, so
 *       {@code PROVIDER_SECRETS_ARN} is dropped), {@code MOCK_CHECKOUT_URL} and {@code MOCK_WEBHOOK_URL};</li>
 *   <li>with {@code --parameter PaymentProvider=stripe}: {@code PAYMENT_PROVIDER=stripe} (still
 *       {@code PAYMENT_ENV=local}, so only a test key starts) and the runner's {@code STRIPE_*} variables
 *       ({@link #STRIPE_VARIABLE}: secret key, webhook secret, price ids, publishable key, API base) in place of
 *       the mock's; a live key is refused.</li>
 *   <li>the functions on the app-events queue ({@code APP_EVENTS_QUEUE_URL}):
 *       {@code APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK=true}, so a local app on {@code http://localhost} can register
 *       an endpoint (deployed stacks take https only).</li>
 * </ul>
 * Template parameters: one naming the API's public URL ({@code PublicApiUrl}: a name ending in ApiUrl) is the
 * local base URL, so {@code !Sub "${PublicApiUrl}/api/payment/callback"} is the local callback.
 * <p>
 * With a {@code providerKeys} overlay ({@link #withProviderKeys}: system-tests and bench, which pay through a
 * fake Stripe or Creem) the template's own parameters decide the provider, payment environment and URLs (nothing
 * is replaced by the mock's), and the purchase functions get {@code providerKeys} in place of Secrets Manager,
 * as the deployed functions read them from ProviderSecrets; the loopback flag and the endpoints are set as above.
 */
public record LocalOverrides(String baseUrl, String dynamoEndpoint, String sqsEndpoint, String mockWebhookSecret,
                             String provider, Map<String, String> stripeEnv, Map<String, String> providerKeys) {
    public static final String ISSUER = "prepaid-local";
    private static final Pattern API_URL_PARAMETER = Pattern.compile("(?i).*api(base)?url");
    /** The runner's environment variables a local Stripe test-mode run takes (never a live key). */
    public static final Pattern STRIPE_VARIABLE = Pattern.compile(
            "STRIPE_(SECRET_KEY|WEBHOOK_SECRET|API_BASE|PUBLISHABLE_KEY|PRICE_[A-Z0-9_]+"
            + "|PAYMENT_METHOD_CONFIGURATION_[A-Z0-9_]+)");

    /** The mock provider (the default locally). */
    public LocalOverrides(String baseUrl, String dynamoEndpoint, String sqsEndpoint, String mockWebhookSecret) {
        this(baseUrl, dynamoEndpoint, sqsEndpoint, mockWebhookSecret, "mock", Map.of());
    }

    /** The local runner's: the mock provider, or Stripe in test mode with the runner's {@code STRIPE_*} variables. */
    public LocalOverrides(String baseUrl, String dynamoEndpoint, String sqsEndpoint, String mockWebhookSecret,
                          String provider, Map<String, String> stripeEnv) {
        this(baseUrl, dynamoEndpoint, sqsEndpoint, mockWebhookSecret, provider, stripeEnv, null);
    }

    public LocalOverrides {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        provider = provider == null || provider.isBlank() ? "mock" : provider;
        if (!provider.equals("mock") && !provider.equals("stripe")) {
            throw new IllegalArgumentException("PaymentProvider=" + provider + " is not supported by ./run-local: use"
                    + " mock (the default) or stripe (test mode, see docs/providers.md)");
        }
        stripeEnv = stripeEnv == null ? Map.of() : Map.copyOf(stripeEnv);
        providerKeys = providerKeys == null ? null : Map.copyOf(providerKeys);
        if (provider.equals("stripe") && providerKeys == null) {
            checkStripe(stripeEnv);
        }
    }

    /**
     * The template's parameters as given (provider, payment environment, URLs), only the endpoints local, and
     * {@code keys} (the provider's API key, webhook secret, API base of its fake, product ids) on every purchase function.
     */
    public static LocalOverrides withProviderKeys(String baseUrl, String dynamoEndpoint, String sqsEndpoint,
                                                  Map<String, String> keys) {
        return new LocalOverrides(baseUrl, dynamoEndpoint, sqsEndpoint, null, "mock", Map.of(), keys);
    }

    /**
     * A local Stripe run needs a test-mode secret key and a webhook signing secret (from {@code stripe listen}) in
     * the runner's environment; a live key is refused here, before anything starts. Messages never show a secret.
     */
    static void checkStripe(Map<String, String> env) {
        String key = env.getOrDefault("STRIPE_SECRET_KEY", "").trim();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("PaymentProvider=stripe needs STRIPE_SECRET_KEY (a test key, sk_test_...)"
                    + " in the environment of ./run-local; see docs/providers.md");
        }
        if (key.startsWith("sk_live_") || key.startsWith("rk_live_")) {
            throw new IllegalArgumentException("STRIPE_SECRET_KEY is a live-mode key: ./run-local takes test keys only"
                    + " (sk_test_... or rk_test_...)");
        }
        if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
            throw new IllegalArgumentException("STRIPE_SECRET_KEY is not a Stripe test key (sk_test_... or rk_test_...)");
        }
        String webhook = env.getOrDefault("STRIPE_WEBHOOK_SECRET", "").trim();
        if (!webhook.startsWith("whsec_")) {
            throw new IllegalArgumentException("PaymentProvider=stripe needs STRIPE_WEBHOOK_SECRET (whsec_..., printed by"
                    + " `stripe listen --forward-to ...`) in the environment of ./run-local; see docs/providers.md");
        }
    }

    /** The Stripe variables of a process environment ({@link #STRIPE_VARIABLE}). */
    public static Map<String, String> stripeVariables(Map<String, String> environment) {
        Map<String, String> picked = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (STRIPE_VARIABLE.matcher(name).matches() && value != null && !value.isBlank()) {
                picked.put(name, value);
            }
        });
        return picked;
    }

    public String successUrl() {
        return baseUrl + "/?purchase=success";
    }

    public String cancelUrl() {
        return baseUrl + "/?purchase=cancel";
    }

    public String mockCheckoutUrl() {
        return baseUrl + "/mock/checkout";
    }

    public String mockWebhookUrl() {
        return baseUrl + "/api/payment/webhook/mock";
    }

    /** The function's environment: the template's, with the local overrides. */
    public Map<String, String> apply(Map<String, String> template) {
        Map<String, String> env = new LinkedHashMap<>(template);
        boolean purchase = template.containsKey("PAYMENT_PROVIDER") || template.containsKey("PROVIDER_SECRETS_ARN");
        if (providerKeys != null) {
            env.remove("PROVIDER_SECRETS_ARN"); // the keys are laid over the environment here
            if (purchase) {
                env.putAll(providerKeys);
            }
            local(template, env);
            return env;
        }
        replaceDeclared(env, "PAYMENT_PROVIDER", provider);
        replaceDeclared(env, "PAYMENT_ENV", "local");
        replaceDeclared(env, "SUCCESS_URL", successUrl());
        replaceDeclared(env, "CANCEL_URL", cancelUrl());
        replaceDeclared(env, "RETURN_URL_ORIGINS", baseUrl);
        env.remove("PROVIDER_SECRETS_ARN"); // no Secrets Manager locally: the secrets are in the environment
        if (purchase && provider.equals("mock")) {
            env.put("MOCK_WEBHOOK_SECRET", mockWebhookSecret);
            env.put("MOCK_CHECKOUT_URL", mockCheckoutUrl());
            env.put("MOCK_WEBHOOK_URL", mockWebhookUrl());
        }
        if (purchase && provider.equals("stripe")) {
            // the keys from the runner's environment (test mode only, checked above); a STRIPE_PRICE_<ID> there wins
            // over the catalog file's price id
            stripeEnv.forEach(env::put);
        }
        local(template, env);
        return env;
    }

    /** Both modes: the loopback flag for the app-webhook functions, the engines' endpoints. */
    private void local(Map<String, String> template, Map<String, String> env) {
        if (template.containsKey("APP_EVENTS_QUEUE_URL")) {
            env.put("APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK", "true");
        }
        if (dynamoEndpoint != null) {
            env.put("DYNAMODB_ENDPOINT", dynamoEndpoint);
        }
        if (sqsEndpoint != null) {
            env.put("SQS_ENDPOINT", sqsEndpoint);
        }
    }

    /**
     * Local values of template parameters: the API's URL parameter is the base URL, a JWT issuer or audience
     * parameter is {@value #ISSUER}; {@code given} (from the command line) wins over both.
     */
    public static Map<String, String> parameters(SamTemplate template, String baseUrl, Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : template.parameters().keySet()) {
            if (API_URL_PARAMETER.matcher(name).matches()) {
                values.put(name, baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            } else if (name.matches("(?i)jwt.*(issuer|audience)")) {
                values.put(name, ISSUER);
            }
        }
        values.putAll(given);
        return values;
    }

    private static void replaceDeclared(Map<String, String> env, String name, String value) {
        if (env.containsKey(name)) {
            env.put(name, value);
        }
    }
}
