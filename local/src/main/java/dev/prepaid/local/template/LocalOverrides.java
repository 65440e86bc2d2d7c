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
 *       {@code PROVIDER_SECRETS_ARN} is dropped), {@code MOCK_CHECKOUT_URL} and {@code MOCK_WEBHOOK_URL}.</li>
 * </ul>
 * Template parameters: one naming the API's public URL ({@code PublicApiUrl}: a name ending in ApiUrl) is the
 * local base URL, so {@code !Sub "${PublicApiUrl}/api/payment/callback"} is the local callback.
 * <p>
 * With a {@code providerKeys} overlay ({@link #withProviderKeys}: system-tests and bench, which pay through a
 * fake Stripe or Creem) the template's own parameters decide the provider, payment environment and URLs (nothing
 * is replaced by the mock's), and the purchase functions get {@code providerKeys} in place of Secrets Manager,
 * as the deployed functions read them from ProviderSecrets.
 */
public record LocalOverrides(String baseUrl, String dynamoEndpoint, String sqsEndpoint, String mockWebhookSecret,
                             Map<String, String> providerKeys) {
    public static final String ISSUER = "prepaid-local";
    private static final Pattern API_URL_PARAMETER = Pattern.compile("(?i).*api(base)?url");

    public LocalOverrides {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        providerKeys = providerKeys == null ? null : Map.copyOf(providerKeys);
    }

    /** The local runner's: the mock provider everywhere. */
    public LocalOverrides(String baseUrl, String dynamoEndpoint, String sqsEndpoint, String mockWebhookSecret) {
        this(baseUrl, dynamoEndpoint, sqsEndpoint, mockWebhookSecret, null);
    }

    /**
     * The template's parameters as given (provider, payment environment, URLs), only the endpoints local, and
     * {@code keys} (the provider's API key, webhook secret, API base of its fake, product ids) on every purchase function.
     */
    public static LocalOverrides withProviderKeys(String baseUrl, String dynamoEndpoint, String sqsEndpoint,
                                                  Map<String, String> keys) {
        return new LocalOverrides(baseUrl, dynamoEndpoint, sqsEndpoint, null, keys);
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
            endpoints(env);
            return env;
        }
        replaceDeclared(env, "PAYMENT_PROVIDER", "mock");
        replaceDeclared(env, "PAYMENT_ENV", "local");
        replaceDeclared(env, "SUCCESS_URL", successUrl());
        replaceDeclared(env, "CANCEL_URL", cancelUrl());
        replaceDeclared(env, "RETURN_URL_ORIGINS", baseUrl);
        env.remove("PROVIDER_SECRETS_ARN"); // no Secrets Manager locally: the secrets are in the environment
        if (purchase) {
            env.put("MOCK_WEBHOOK_SECRET", mockWebhookSecret);
            env.put("MOCK_CHECKOUT_URL", mockCheckoutUrl());
            env.put("MOCK_WEBHOOK_URL", mockWebhookUrl());
        }
        endpoints(env);
        return env;
    }

    private void endpoints(Map<String, String> env) {
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
