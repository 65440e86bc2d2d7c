package dev.prepaid.adapter.out.provider;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.secrets.CachedSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Provider secrets: from the environment locally (the local runner, tests); on AWS from one Secrets Manager
 * secret (a JSON object of variable names to values, e.g. {@code {"STRIPE_SECRET_KEY": "...",
 * "STRIPE_WEBHOOK_SECRET": "..."}}) named by {@code PROVIDER_SECRETS_ARN}, read on first use, after a SnapStart
 * restore, and again when older than {@code SECRETS_TTL_SECONDS} (default 300): a rotated key is in use within
 * that time, with no redeploy ({@link CachedSecret}, {@link SecretBackedProvider}).
 */
public final class ProviderSecrets {
    public static final String ARN_VARIABLE = "PROVIDER_SECRETS_ARN";

    private ProviderSecrets() {
    }

    /** The cached secret when {@code PROVIDER_SECRETS_ARN} is set (nothing is read here), else empty. */
    public static Optional<CachedSecret> cached(Env env) {
        String arn = env.optional("PROVIDER_SECRETS_ARN", null);
        if (arn == null || arn.isBlank()) {
            return Optional.empty();
        }
        Duration ttl = CachedSecret.ttlFrom(env.optional("SECRETS_TTL_SECONDS", null));
        String region = env.optional("AWS_REGION", "us-east-1");
        return Optional.of(new CachedSecret("provider secrets", new SecretsManagerSecretSource(
                () -> SecretsManagerClient.builder()
                        .httpClient(UrlConnectionHttpClient.create())
                        .region(Region.of(region))
                        .build(), arn.trim()), ttl, Clock.systemUTC()));
    }

    /**
     * The one way a secret may be shown: {@code sk_test_51Habc...wxyz} becomes {@code ****wxyz}. Values of
     * eight characters or fewer show nothing (four would be half of it); null or blank shows {@code (none)}.
     */
    public static String mask(String secret) {
        return CachedSecret.mask(secret);
    }
}
