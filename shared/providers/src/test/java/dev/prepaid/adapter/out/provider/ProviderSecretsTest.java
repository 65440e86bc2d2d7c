package dev.prepaid.adapter.out.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.adapter.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets from Secrets Manager laid over the environment, and the one way a secret may be shown. */
class ProviderSecretsTest {

    @Test
    void maskShowsAtMostTheLastFourCharacters() {
        assertEquals("****wxyz", ProviderSecrets.mask("sk_test_51Habcdefghijklmnopwxyz"));
        assertEquals("****2345", ProviderSecrets.mask("short12345"));
        assertEquals("****", ProviderSecrets.mask("whsec_ab"));
        assertEquals("****", ProviderSecrets.mask("abc"));
        assertEquals("(none)", ProviderSecrets.mask(null));
        assertEquals("(none)", ProviderSecrets.mask(" "));
    }

    @Test
    void theSecretsKeysOverrideTheEnvironmentAndTheRestStays() {
        Env env = new Env(Map.of("TABLE_NAME", "t", "STRIPE_SECRET_KEY", "from-env", "PROVIDER_SECRETS_ARN", "arn:x"));
        Env merged = ProviderSecrets.overlay(env, "arn:x",
                id -> "{\"STRIPE_SECRET_KEY\": \"sk_test_from_secret\", \"STRIPE_WEBHOOK_SECRET\": \"whsec_1\"}");
        assertEquals("sk_test_from_secret", merged.required("STRIPE_SECRET_KEY"));
        assertEquals("whsec_1", merged.required("STRIPE_WEBHOOK_SECRET"));
        assertEquals("t", merged.required("TABLE_NAME"));
    }

    @Test
    void aSecretThatIsNotAJsonObjectFailsStartUpClearly() {
        Env env = new Env(Map.of());
        assertThrows(IllegalStateException.class, () -> ProviderSecrets.overlay(env, "arn:x", id -> "[1, 2]"));
        assertThrows(RuntimeException.class, () -> ProviderSecrets.overlay(env, "arn:x", id -> "not json"));
    }

    @Test
    void withoutAnArnTheEnvironmentIsUsedAsIs() {
        Env env = new Env(Map.of("A", "1"));
        assertEquals(env, ProviderSecrets.overlay(env));
    }
}
