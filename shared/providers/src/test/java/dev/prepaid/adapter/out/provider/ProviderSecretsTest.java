package dev.prepaid.adapter.out.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.secrets.CachedSecret;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.port.out.PaymentProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Provider keys from Secrets Manager: read on first use and again after the TTL, the SDK adapter's request and
 * response (against an in-process HTTP stand-in for the service: there is no Secrets Manager engine to run
 * locally), and the one way a secret may be shown.
 */
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
    void withoutAnArnTheKeysComeFromTheEnvironment() {
        assertTrue(ProviderSecrets.cached(new Env(Map.of("A", "1"))).isEmpty());
        Optional<CachedSecret> cached = ProviderSecrets.cached(new Env(Map.of("PROVIDER_SECRETS_ARN", "arn:x",
                "SECRETS_TTL_SECONDS", "30")));
        assertTrue(cached.isPresent());
        assertEquals(0, cached.get().reads(), "nothing read when wired");
    }

    @Test
    void theResponseIsAJsonObjectOfNamesToValues() {
        Map<String, String> values = SecretsManagerSecretSource.values(GetSecretValueResponse.builder()
                .secretString("{\"STRIPE_SECRET_KEY\": \"sk_test_from_secret\", \"STRIPE_WEBHOOK_SECRET\": \"whsec_1\"}")
                .build());
        assertEquals(Map.of("STRIPE_SECRET_KEY", "sk_test_from_secret", "STRIPE_WEBHOOK_SECRET", "whsec_1"), values);
        assertEquals("arn:x", SecretsManagerSecretSource.request("arn:x").secretId());
        assertNull(SecretsManagerSecretSource.request("arn:x").versionStage(), "the current version (AWSCURRENT)");
    }

    @Test
    void aSecretThatIsNotAJsonObjectIsRefusedWithoutShowingIt() {
        assertThrows(IllegalStateException.class, () -> SecretsManagerSecretSource.values(
                GetSecretValueResponse.builder().secretString("[1, 2]").build()));
        RuntimeException notJson = assertThrows(RuntimeException.class, () -> SecretsManagerSecretSource.values(
                GetSecretValueResponse.builder().secretString("sk_live_oops").build()));
        assertFalse(String.valueOf(notJson.getMessage()).contains("sk_live_oops"));
        assertThrows(IllegalStateException.class, () -> SecretsManagerSecretSource.values(
                GetSecretValueResponse.builder().build()));
    }

    @Test
    void theSdkAdapterSendsGetSecretValueAndReadsTheSecretString() throws Exception {
        List<String> requests = new ArrayList<>();
        AtomicReference<String> secretString = new AtomicReference<>("{\"CREEM_API_KEY\":\"creem_test_1\"}");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            requests.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " " + body.toString(StandardCharsets.UTF_8));
            String json = "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prepaid-x\",\"Name\":\"prepaid-x\","
                    + "\"VersionId\":\"v1\",\"SecretString\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(secretString.get())
                    + ",\"VersionStages\":[\"AWSCURRENT\"]}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            SecretsManagerSecretSource source = new SecretsManagerSecretSource(() -> SecretsManagerClient.builder()
                    .httpClient(UrlConnectionHttpClient.create())
                    .endpointOverride(endpoint)
                    .region(Region.EU_WEST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                    .build(), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prepaid-x");
            ManualClock clock = new ManualClock();
            CachedSecret secret = new CachedSecret("provider secrets", source, Duration.ofMinutes(5), clock);
            assertTrue(requests.isEmpty(), "nothing sent before first use");

            assertEquals("creem_test_1", secret.value("CREEM_API_KEY"));
            assertEquals(1, requests.size());
            assertTrue(requests.get(0).startsWith("secretsmanager.GetSecretValue "), requests.get(0));
            assertTrue(requests.get(0).contains("\"SecretId\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prepaid-x\""),
                    requests.get(0));

            secretString.set("{\"CREEM_API_KEY\":\"creem_test_2\"}"); // rotated
            assertEquals("creem_test_1", secret.value("CREEM_API_KEY"));
            clock.advance(Duration.ofMinutes(5));
            assertEquals("creem_test_2", secret.value("CREEM_API_KEY"));
            assertEquals(2, requests.size());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSecretBackedProviderIsBuiltOnFirstUseAndAgainWhenTheSecretChanges() {
        ManualClock clock = new ManualClock();
        AtomicReference<Map<String, String>> stored = new AtomicReference<>(Map.of("STRIPE_SECRET_KEY", "sk_test_1"));
        List<String> reads = new ArrayList<>();
        CachedSecret secret = new CachedSecret("provider secrets", () -> {
            reads.add("read");
            return stored.get();
        }, Duration.ofMinutes(5), clock);
        List<String> builtWith = new ArrayList<>();
        Env base = new Env(Map.of("TABLE_NAME", "t", "PAYMENT_PROVIDER", "stripe"));
        SecretBackedProvider stripe = new SecretBackedProvider("stripe", "STRIPE_SECRET_KEY", true, base, secret, env -> {
            builtWith.add(env.required("STRIPE_SECRET_KEY") + "/" + env.required("TABLE_NAME"));
            return fake("stripe", env.required("STRIPE_SECRET_KEY"));
        });
        SecretBackedProvider creem = new SecretBackedProvider("creem", "CREEM_API_KEY", false, base, secret,
                env -> fake("creem", env.required("CREEM_API_KEY")));

        assertEquals("stripe", stripe.name());
        assertTrue(reads.isEmpty(), "wiring and name() read nothing (SnapStart init)");

        assertEquals("sk_test_1", stripe.fetchCheckout("cs_1").checkoutId());
        assertEquals("sk_test_1", stripe.fetchCheckout("cs_2").checkoutId());
        assertEquals(List.of("sk_test_1/t"), builtWith, "built once, from the environment with the secret over it");

        stored.set(Map.of("STRIPE_SECRET_KEY", "sk_test_2"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals("sk_test_2", stripe.fetchCheckout("cs_3").checkoutId(), "the rotated key, without a redeploy");
        assertEquals(List.of("sk_test_1/t", "sk_test_2/t"), builtWith);

        DomainException refused = assertThrows(DomainException.class, () -> creem.fetchCheckout("ch_1"));
        assertEquals("provider_not_configured", refused.code());
        stored.set(Map.of("STRIPE_SECRET_KEY", "sk_test_2", "CREEM_API_KEY", "creem_k"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals("creem_k", creem.fetchCheckout("ch_1").checkoutId(), "configured once its key is in the secret");
    }

    /** A provider whose fetchCheckout answers with the key it was built with (as the checkout id). */
    private static PaymentProvider fake(String name, String key) {
        return (PaymentProvider) Proxy.newProxyInstance(PaymentProvider.class.getClassLoader(),
                new Class<?>[] {PaymentProvider.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "fetchCheckout" -> checkoutState(key);
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static CheckoutState checkoutState(String id) {
        return new CheckoutState(id, CheckoutState.Status.OPEN, null);
    }

    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
