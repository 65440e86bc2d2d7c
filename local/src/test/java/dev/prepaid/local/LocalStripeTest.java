package dev.prepaid.local;

import static dev.prepaid.local.TestSupport.await;
import static dev.prepaid.local.TestSupport.call;
import static dev.prepaid.local.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.local.TestSupport.Reply;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 6: {@code ./run-local --parameter PaymentProvider=stripe} with a test key, on the repository's
 * template.yaml. Stripe is FakeStripe through STRIPE_API_BASE (honoured because the local run is never production);
 * the webhook arrives signed with the STRIPE_WEBHOOK_SECRET, as {@code stripe listen --forward-to} delivers it.
 */
class LocalStripeTest {
    static final String KEY = "sk_test_local_runner_0000000000000000";
    static final String WEBHOOK_SECRET = "whsec_local_runner_test_secret";

    private static Options stripeOptions(Map<String, String> environment) {
        return TestSupport.options(TestSupport.realTemplate()).withScheduleEvery(Duration.ofDays(1))
                .withParameter("PaymentProvider", "stripe").withEnvironment(withPrices(environment));
    }

    /** The price ids as STRIPE_PRICE_<PRODUCT> in the runner's environment (the catalog file has no local ids). */
    private static Map<String, String> withPrices(Map<String, String> environment) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        if (environment.containsKey("STRIPE_SECRET_KEY")) {
            all.put("STRIPE_PRICE_TRIAL", "price_trial");
            all.put("STRIPE_PRICE_BASIC", "price_basic");
            all.put("STRIPE_PRICE_PRO", "price_pro");
        }
        return all;
    }

    private static BigDecimal balance(URI base, String token) {
        Reply reply = call(base, "GET", "/api/credits/balance", token, null);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("balance").decimalValue();
    }

    @Test
    void buyATrialPackThroughStripeTestModeAndASignedWebhook() {
        try (FakeStripe stripe = new FakeStripe().price("price_trial", 790, "usd").price("price_basic", 1990, "usd")
                .price("price_pro", 4990, "usd")) {
            LocalStack stack = LocalStack.start(stripeOptions(Map.of("STRIPE_SECRET_KEY", KEY,
                    "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET, "STRIPE_API_BASE", stripe.baseUrl(), "PATH", "/usr/bin")));
            try {
                URI base = stack.baseUrl();
                assertEquals(null, stack.mock(), "no mock provider in a Stripe run");
                String user = token(base, "stripe-buyer", null);
                Reply order = call(base, "POST", "/api/payment/create-order", user, "{\"productId\": \"trial\"}");
                assertEquals(201, order.status(), order.body());
                JsonNode created = order.json();
                assertEquals("stripe", created.get("provider").asText());
                String checkoutId = created.get("checkoutId").asText();
                assertTrue(checkoutId.startsWith("cs_test_"), checkoutId);
                assertTrue(created.get("paymentUrl").asText().endsWith(checkoutId));
                List<FakeStripe.Request> posts = stripe.requests("POST", "/v1/checkout/sessions");
                assertEquals(1, posts.size());
                assertEquals("price_trial", posts.get(0).param("line_items[0][price]"));
                assertEquals("card", posts.get(0).param("payment_method_types[0]"));
                assertTrue(posts.get(0).param("success_url").startsWith(base.toString().replaceAll("/$", "")
                        + "/api/payment/callback"), posts.get(0).param("success_url"));

                // the customer pays on Stripe's page; `stripe listen` forwards the signed event
                ObjectNode paid = stripe.markPaid(checkoutId);
                String payload = StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(paid));
                Reply forged = TestSupport.callUrl(URI.create(base.toString().replaceAll("/$", "") + "/api/payment/webhook/stripe"),
                        "POST", null, payload, StripeWebhooks.headers(payload, "whsec_someone_else"));
                assertEquals(400, forged.status(), forged.body());
                Reply delivered = TestSupport.callUrl(URI.create(base.toString().replaceAll("/$", "") + "/api/payment/webhook/stripe"),
                        "POST", null, payload, StripeWebhooks.headers(payload, WEBHOOK_SECRET));
                assertEquals(200, delivered.status(), delivered.body());
                await(Duration.ofSeconds(15), "fulfilment to grant the trial's 100 credits",
                        () -> balance(base, user).compareTo(new BigDecimal("100")) == 0);

                // the browser's return: the callback fetches the session from (fake) Stripe, a replay now
                Reply back = TestSupport.callUrl(URI.create(base.toString().replaceAll("/$", "") + "/api/payment/callback?orderId="
                        + created.get("orderId").asText() + "&session_id=" + checkoutId), "GET", null, null, Map.of());
                assertEquals(302, back.status(), back.body());
                assertTrue(back.header("location").endsWith("status=completed"), back.header("location"));
                assertEquals(0, balance(base, user).compareTo(new BigDecimal("100")), "granted exactly once");
                assertEquals("stripe", call(base, "GET", "/api/payment/config", null, null).json().get("provider").asText());
            } finally {
                stack.close();
            }
        }
    }

    @Test
    void aLiveKeyOrAMissingSecretStopsTheStart() {
        LocalStack.StartupException live = assertThrows(LocalStack.StartupException.class, () -> LocalStack.start(
                stripeOptions(Map.of("STRIPE_SECRET_KEY", "sk_live_never_locally_000000", "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET))));
        assertTrue(live.getMessage().contains("live"), live.getMessage());
        assertFalse(live.getMessage().contains("sk_live_never"), "no secret in the message");
        LocalStack.StartupException noKey = assertThrows(LocalStack.StartupException.class,
                () -> LocalStack.start(stripeOptions(Map.of())));
        assertTrue(noKey.getMessage().contains("STRIPE_SECRET_KEY"), noKey.getMessage());
        LocalStack.StartupException noWebhook = assertThrows(LocalStack.StartupException.class,
                () -> LocalStack.start(stripeOptions(Map.of("STRIPE_SECRET_KEY", KEY))));
        assertTrue(noWebhook.getMessage().contains("STRIPE_WEBHOOK_SECRET"), noWebhook.getMessage());
        LocalStack.StartupException creem = assertThrows(LocalStack.StartupException.class, () -> LocalStack.start(
                TestSupport.options(TestSupport.realTemplate()).withParameter("PaymentProvider", "creem")));
        assertTrue(creem.getMessage().contains("mock"), creem.getMessage());
    }

    @Test
    void onlyStripeVariablesAreTakenFromTheEnvironment() {
        Map<String, String> picked = dev.prepaid.local.template.LocalOverrides.stripeVariables(Map.of(
                "STRIPE_SECRET_KEY", KEY, "STRIPE_PRICE_PACK_500", "price_x", "AWS_SECRET_ACCESS_KEY", "nope",
                "STRIPE_WEBHOOK_SECRET", "", "HOME", "/root"));
        assertEquals(Map.of("STRIPE_SECRET_KEY", KEY, "STRIPE_PRICE_PACK_500", "price_x"), picked);
    }
}
