package dev.prepaid.adapter.out.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Provider secrets: from the environment locally; on AWS from one Secrets Manager secret (a JSON object
 * of variable names to values, e.g. {@code {"STRIPE_SECRET_KEY": "...", "STRIPE_WEBHOOK_SECRET": "..."}})
 * named by {@code PROVIDER_SECRETS_ARN}, read once at init and laid over the environment.
 */
public final class ProviderSecrets {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProviderSecrets.class);

    private ProviderSecrets() {
    }

    public static Env overlay(Env env) {
        String arn = env.optional("PROVIDER_SECRETS_ARN", null);
        if (arn == null) {
            return env;
        }
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(env.optional("AWS_REGION", "us-east-1")))
                .build()) {
            Env overlaid = overlay(env, arn, id -> client.getSecretValue(b -> b.secretId(id)).secretString());
            // SECRETS_VERSION (template parameter SecretsVersion) exists to recycle the execution environments
            // after a rotation: a changed value is a configuration change. The log says which one this instance read.
            LOG.info("provider secrets read at start (SECRETS_VERSION {})", env.optional("SECRETS_VERSION", "unset"));
            return overlaid;
        }
    }

    /** Lays the secret's keys over {@code env}; the fetcher is the only part that talks to AWS. */
    public static Env overlay(Env env, String secretId, Function<String, String> fetch) {
        JsonNode secret;
        try {
            secret = Json.MAPPER.readTree(fetch.apply(secretId));
        } catch (IOException e) {
            throw new UncheckedIOException("the provider secret is not JSON", e);
        }
        if (secret == null || !secret.isObject()) {
            throw new IllegalStateException("the provider secret must be a JSON object of variable names to values");
        }
        Map<String, String> merged = new HashMap<>(env.asMap());
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            merged.put(field.getKey(), field.getValue().asText());
        }
        return new Env(merged);
    }

    /**
     * The one way a secret may be shown: {@code sk_test_51Habc...wxyz} becomes {@code ****wxyz}. Values of
     * eight characters or fewer show nothing (four would be half of it); null or blank shows {@code (none)}.
     */
    public static String mask(String secret) {
        if (secret == null || secret.isBlank()) {
            return "(none)";
        }
        return secret.length() <= 8 ? "****" : "****" + secret.substring(secret.length() - 4);
    }
}
