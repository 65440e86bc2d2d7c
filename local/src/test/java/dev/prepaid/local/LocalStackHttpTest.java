package dev.prepaid.local;

import static dev.prepaid.local.TestSupport.await;
import static dev.prepaid.local.TestSupport.call;
import static dev.prepaid.local.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.local.TestSupport.Reply;
import dev.prepaid.local.template.FunctionSpec;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runner on the repository's template.yaml, --in-memory on a free port, driven over HTTP as a person
 * with curl would: a token, the plans, an order, the mock checkout's Pay, the balance filled by the SQS
 * poller and the fulfilment function, video generations through the demo backend until 402.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackHttpTest {
    static LocalStack stack;
    static URI base;

    @BeforeAll
    static void start() {
        // no timed runs of the scheduled functions while the tests run: the test below runs them itself, so
        // what it sees is its own run's, never a concurrent one's
        stack = LocalStack.start(TestSupport.options(TestSupport.realTemplate()).withScheduleEvery(Duration.ofDays(1)));
        base = stack.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static BigDecimal balance(String token) {
        Reply reply = call(base, "GET", "/api/credits/balance", token, null);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("balance").decimalValue();
    }

    @Test
    @Order(1)
    void everyFunctionOfTheTemplateRuns() {
        assertFalse(stack.functions().isEmpty());
        for (LocalStack.Function f : stack.functions()) {
            assertTrue(f.running(), f.spec().logicalId() + " is not running: " + f.skipped());
        }
        assertNotNull(stack.queue("FulfilmentQueue"));
        assertEquals("FulfilmentDLQ", stack.queue("FulfilmentQueue").deadLetterQueue());
        assertEquals("5", stack.queue("FulfilmentQueue").maxReceiveCount());
        String banner = Banner.of(stack);
        assertTrue(banner.contains("POST   /api/credits/deduct"), banner);
        assertTrue(banner.contains("TOKEN=$(curl -s -X POST " + "$BASE/dev/token"), banner);
        assertTrue(banner.contains("BASE=" + base), banner);
    }

    @Test
    @Order(2)
    void devTokenIssuesAndValidates() {
        Reply ok = call(base, "POST", "/dev/token", null, "{\"sub\": \"alice\", \"scope\": \"credits/write\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(3600, ok.json().get("expiresIn").asInt());
        assertEquals(3, ok.json().get("token").asText().split("\\.").length);

        Reply badSub = call(base, "POST", "/dev/token", null, "{\"sub\": \"al ice\"}");
        assertEquals(400, badSub.status());
        assertEquals("invalid_user_id", badSub.json().get("error").asText());
        assertEquals(400, call(base, "POST", "/dev/token", null, "{\"sub\": \"a#b\"}").status());
        assertEquals(400, call(base, "POST", "/dev/token", null, "{}").status());
        assertEquals(400, call(base, "POST", "/dev/token", null, "{\"sub\": \"alice\", \"admin\": true}").status());
        assertEquals(400, call(base, "POST", "/dev/token", null, "not json").status());
        assertEquals(405, call(base, "GET", "/dev/token", null, null).status());
    }

    /** The template's $default route (the not-found function) answers what no route takes, as it does on AWS. */
    @Test
    @Order(3)
    void anUnknownRouteIsAJson404AndAWrongMethodA405WithAllow() {
        for (String path : List.of("/api/credits/balances", "/api/nothing", "/nothing-here", "/api/admin")) {
            Reply unknown = call(base, "GET", path, null, null);
            assertEquals(404, unknown.status(), path);
            assertEquals("not_found", unknown.json().get("error").asText(), path);
        }
        Reply wrongMethod = call(base, "GET", "/api/credits/deduct", null, null);
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.json().get("error").asText());
        assertEquals("OPTIONS, POST", wrongMethod.header("allow"));
        Reply withToken = call(base, "DELETE", "/api/payment/orders/ord_1", token(base, "alice", null), null);
        assertEquals(405, withToken.status(), "the catch-all is public: a token changes nothing");
        assertEquals("GET, OPTIONS", withToken.header("allow"));
        assertEquals(405, call(base, "PUT", "/api/payment/callback", null, null).status());
        assertEquals("GET, OPTIONS, POST", call(base, "PUT", "/api/payment/callback", null, null).header("allow"));
        // a route behind the JWT authorizer still answers API Gateway's own 401 without a token
        Reply unauthorized = call(base, "GET", "/api/credits/balance", null, null);
        assertEquals(401, unauthorized.status());
        assertEquals("Unauthorized", unauthorized.json().get("message").asText());
    }

    /** curl at a terminal: every JSON answer ends with a newline, so the prompt starts on a line of its own. */
    @Test
    @Order(3)
    void jsonAnswersEndWithANewline() {
        List<Reply> answers = List.of(
                call(base, "POST", "/dev/token", null, "{\"sub\": \"newline\"}"), // the runner's own route
                call(base, "GET", "/api/credits/plans", null, null), // a function's answer
                call(base, "GET", "/api/nothing", null, null), // the $default route's 404
                call(base, "GET", "/api/credits/balance", null, null)); // the authorizer's 401
        for (Reply answer : answers) {
            assertTrue(answer.header("content-type").startsWith("application/json"), answer.toString());
            assertTrue(answer.body().endsWith("}\n"), "no newline at the end: " + answer.body());
            assertFalse(answer.body().endsWith("\n\n"), answer.body());
        }
    }

    @Test
    @Order(3)
    void theAuthorizerAnswersLikeApiGateway() {
        String alice = token(base, "alice", null);
        assertEquals(200, call(base, "GET", "/api/credits/plans", null, null).status(), "public");
        assertEquals(401, call(base, "GET", "/api/credits/balance", null, null).status(), "missing");
        assertEquals(401, call(base, "GET", "/api/credits/balance", alice + "x", null).status(), "tampered");
        assertEquals(401, call(base, "GET", "/api/credits/balance", "not.a.jwt", null).status(), "garbage");
        Reply forbidden = call(base, "POST", "/api/credits/deduct", alice,
                "{\"userId\": \"alice\", \"amount\": 1, \"idempotencyKey\": \"k1\"}");
        assertEquals(403, forbidden.status(), "a user's token lacks credits/write");
        assertEquals("Forbidden", forbidden.json().get("message").asText());
        assertEquals(200, call(base, "GET", "/api/credits/balance", alice, null).status());
    }

    @Test
    @Order(4)
    void buyTheTrialPackThroughTheMockCheckoutAndTheQueue() {
        String user = token(base, "buyer-1", null);
        Reply plans = call(base, "GET", "/api/credits/plans", null, null);
        assertEquals(200, plans.status());
        List<String> ids = new ArrayList<>();
        plans.json().get("plans").forEach(p -> ids.add(p.get("id").asText()));
        assertTrue(ids.contains("trial"), ids.toString());

        Reply order = call(base, "POST", "/api/payment/create-order", user, "{\"productId\": \"trial\"}");
        assertEquals(201, order.status(), order.body());
        JsonNode created = order.json();
        String paymentUrl = created.get("paymentUrl").asText();
        String checkoutId = created.get("checkoutId").asText();
        assertEquals(base + "/mock/checkout/" + checkoutId, paymentUrl);
        assertEquals("mock", created.get("provider").asText());

        Reply page = TestSupport.callUrl(URI.create(paymentUrl), "GET", null, null, Map.of());
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Pay $7.90") || page.body().contains("Pay"), page.body());
        assertTrue(page.body().contains("Trial"), page.body());

        // Pay, and do NOT follow the redirect: the credits must come through webhook -> SQS -> poller -> fulfilment.
        Reply paid = TestSupport.callUrl(URI.create(paymentUrl + "/pay"), "POST", null, null, Map.of());
        assertEquals(303, paid.status(), paid.body());
        String callback = paid.header("location");
        assertTrue(callback.startsWith(base + "/api/payment/callback?orderId=" + created.get("orderId").asText()), callback);
        await(Duration.ofSeconds(10), "the fulfilment function to grant 100 credits",
                () -> balance(user).compareTo(new BigDecimal("100")) == 0);

        // The browser's return: the callback confirms server-side (a replay now) and sends it to the demo page.
        Reply back = TestSupport.callUrl(URI.create(callback), "GET", null, null, Map.of());
        assertEquals(302, back.status(), back.body());
        assertEquals(base + "/?purchase=success&orderId=" + created.get("orderId").asText() + "&status=completed",
                back.header("location"));
        assertEquals(0, balance(user).compareTo(new BigDecimal("100")), "granted exactly once");
        Reply again = TestSupport.callUrl(URI.create(paymentUrl + "/pay"), "POST", null, null, Map.of());
        assertEquals(303, again.status(), "paying twice is harmless");
        Reply orderNow = call(base, "GET", "/api/payment/orders/" + created.get("orderId").asText(), user, null);
        assertEquals("completed", orderNow.json().get("status").asText());
        await(Duration.ofSeconds(3), "the duplicate to be consumed", () -> queueIsEmpty());
        assertEquals(0, balance(user).compareTo(new BigDecimal("100")), "still exactly once");

        // The history routes, as the template routes them: the buyer's own orders only, the cursor bound to its user.
        Reply mine = call(base, "GET", "/api/payment/orders?status=completed", user, null);
        assertEquals(200, mine.status(), mine.body());
        assertEquals(1, mine.json().get("items").size(), mine.body());
        assertEquals(created.get("orderId").asText(), mine.json().get("items").get(0).get("orderId").asText());
        String stranger = token(base, "stranger", null);
        assertEquals(0, call(base, "GET", "/api/payment/orders", stranger, null).json().get("items").size());
        call(base, "POST", "/api/payment/create-order", user, "{\"productId\": \"trial\"}");
        String cursor = call(base, "GET", "/api/payment/orders?limit=1", user, null).json().get("nextCursor").asText();
        Reply stolen = call(base, "GET", "/api/payment/orders?limit=1&cursor=" + cursor, stranger, null);
        assertEquals(400, stolen.status(), stolen.body());
        assertEquals("invalid_cursor", stolen.json().get("error").asText());
        assertEquals("{\"items\":[]}", call(base, "GET", "/api/payment/invoices", user, null).body().strip(), "the mock never invoices");
        assertEquals("{\"items\":[]}", call(base, "GET", "/api/payment/payment-methods", user, null).body().strip());
        assertEquals(401, call(base, "GET", "/api/payment/invoices", null, null).status());
        Reply config = call(base, "GET", "/api/payment/config", null, null);
        assertEquals(200, config.status(), "public");
        assertEquals("mock", config.json().get("provider").asText());
        assertEquals(200, call(base, "GET", "/api/credits/prices", null, null).status(), "public");
    }

    @Test
    @Order(5)
    void generateVideosThroughTheDemoBackendUntilBroke() {
        String user = token(base, "video-maker", null);
        assertEquals(401, call(base, "POST", "/demo/generate-video", null, null).status(), "the demo backend wants the user");
        Reply broke = call(base, "POST", "/demo/generate-video", user, null);
        assertEquals(402, broke.status(), broke.body());

        Reply order = call(base, "POST", "/api/payment/create-order", user, "{\"productId\": \"trial\"}");
        assertEquals(201, order.status(), order.body());
        assertEquals(303, TestSupport.callUrl(URI.create(order.json().get("paymentUrl").asText() + "/pay"), "POST", null, null, Map.of()).status());
        await(Duration.ofSeconds(10), "100 credits", () -> balance(user).compareTo(new BigDecimal("100")) == 0);

        Reply first = call(base, "POST", "/demo/generate-video", user, null);
        assertEquals(200, first.status(), first.body());
        assertEquals(0, first.json().get("balance").decimalValue().compareTo(new BigDecimal("80")), first.body());
        assertEquals("video_generation", first.json().get("operation").asText());
        assertEquals("captured", first.json().get("status").asText(), "held, then captured");
        Reply failed = call(base, "POST", "/demo/generate-video?fail=true", user, null);
        assertEquals(502, failed.status(), failed.body());
        assertEquals("video_failed", failed.json().get("error").asText());
        assertEquals(0, balance(user).compareTo(new BigDecimal("80")), "a failed render releases its hold: nothing used");
        assertTrue(first.json().get("videoId").asText().startsWith("demo_vid_"));
        assertEquals(0, balance(user).compareTo(new BigDecimal("80")));
        for (int expected : new int[] {60, 40, 20, 0}) {
            Reply next = call(base, "POST", "/demo/generate-video", user, null);
            assertEquals(200, next.status(), next.body());
            assertEquals(expected, next.json().get("balance").intValue());
        }
        Reply refused = call(base, "POST", "/demo/generate-video", user, null);
        assertEquals(402, refused.status(), refused.body());
        assertEquals("insufficient_credits", refused.json().get("error").asText());
        assertEquals(0, refused.json().get("balance").intValue());
        assertEquals(20, refused.json().get("required").intValue());

        Reply history = call(base, "GET", "/api/credits/transactions?limit=20", user, null);
        assertEquals(200, history.status());
        List<String> types = new ArrayList<>();
        history.json().get("items").forEach(i -> types.add(i.get("type").asText()));
        assertEquals(List.of("usage", "usage", "usage", "usage", "usage", "purchase"), types);
    }

    @Test
    @Order(6)
    void theAppsBackendDeductsWithAServiceToken() {
        String service = token(base, "my-app-backend", "credits/write credits/grant");
        Reply grant = call(base, "POST", "/api/credits/grant", service,
                "{\"userId\": \"carol\", \"amount\": 50, \"reason\": \"welcome\", \"idempotencyKey\": \"welcome-carol\"}");
        assertEquals(200, grant.status(), grant.body());
        Reply deduct = call(base, "POST", "/api/credits/deduct", service,
                "{\"userId\": \"carol\", \"operation\": \"video_generation\", \"idempotencyKey\": \"video-1\"}");
        assertEquals(200, deduct.status(), deduct.body());
        assertEquals(30, deduct.json().get("balance").intValue());
        Reply replay = call(base, "POST", "/api/credits/deduct", service,
                "{\"userId\": \"carol\", \"operation\": \"video_generation\", \"idempotencyKey\": \"video-1\"}");
        assertTrue(replay.json().get("replayed").asBoolean(), replay.body());
        assertEquals(30, balance(token(base, "carol", null)).intValue());
    }

    @Test
    @Order(7)
    void mockCheckoutPagesAndTheDemoPage() {
        assertEquals(404, call(base, "GET", "/mock/checkout/mock_cs_nope", null, null).status());
        assertEquals(404, call(base, "POST", "/mock/checkout/mock_cs_nope/pay", null, null).status());
        Reply page = call(base, "GET", "/", null, null);
        assertEquals(200, page.status());
        assertTrue(page.header("content-type").startsWith("text/html"));
        assertTrue(page.body().contains("/static/app.js"));
        assertEquals(200, call(base, "GET", "/static/app.js", null, null).status());
        assertEquals(200, call(base, "GET", "/static/style.css", null, null).status());
        assertEquals(404, call(base, "GET", "/static/../pom.xml", null, null).status());
        assertEquals(404, call(base, "GET", "/nothing-here", null, null).status());

        String user = token(base, "canceler", null);
        Reply order = call(base, "POST", "/api/payment/create-order", user, "{\"productId\": \"basic\"}");
        String url = order.json().get("paymentUrl").asText();
        Reply canceled = TestSupport.callUrl(URI.create(url + "/cancel"), "POST", null, null, Map.of());
        assertEquals(303, canceled.status());
        Reply back = TestSupport.callUrl(URI.create(canceled.header("location")), "GET", null, null, Map.of());
        assertTrue(back.header("location").startsWith(base + "/?purchase=cancel"), back.header("location"));
        assertEquals(409, TestSupport.callUrl(URI.create(url + "/pay"), "POST", null, null, Map.of()).status(), "a canceled checkout cannot be paid");
    }

    /**
     * Every Schedule event of template.yaml is wired to its function (here: the reconciliation run), and one run
     * now, against the table and queues the other tests filled, does its job: a clean report over the orders
     * and balances above (no errors, no drift, the DLQ readable and empty), saved where the admin route reads it.
     */
    @Test
    @Order(8)
    void everyScheduledFunctionOfTheTemplateRunsOnce() {
        List<String> scheduled = new ArrayList<>();
        stack.schedules().scheduled().forEach(s -> scheduled.add(s.function() + "/" + s.event()));
        List<String> declared = new ArrayList<>();
        for (LocalStack.Function f : stack.functions()) {
            f.spec().schedules().stream().filter(FunctionSpec.ScheduleTrigger::enabled)
                    .forEach(t -> declared.add(f.spec().logicalId() + "/" + t.event()));
        }
        assertEquals(declared, scheduled, "each Schedule event of the template runs on the local schedule");
        assertTrue(scheduled.contains("ReconciliationFunction/Reconcile"), scheduled.toString());

        String admin = token(base, "ops", "credits/admin");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (Schedules.Scheduled s : stack.schedules().scheduled()) {
            Object result = stack.schedules().invoke(s);
            assertNotNull(result, s.function() + " returned nothing");
            if (!s.function().equals("ReconciliationFunction")) {
                continue;
            }
            JsonNode summary = TestSupport.JSON.valueToTree(result);
            assertEquals(0, summary.get("errors").asInt(), summary.toString());
            assertEquals(0, summary.get("creditDrift").asInt(), "the purchases and deductions above left no drift: " + summary);
            assertEquals(0, summary.get("missingEntries").asInt(), summary.toString());
            assertEquals(0, summary.get("dlqDepth").asInt(), "the DLQ is read (-1: unreadable) and empty: " + summary);
        }
        Reply report = call(base, "GET", "/api/admin/reports/drift", admin, null);
        assertEquals(200, report.status(), "the run saved its report: " + report.body());
        Instant generatedAt = Instant.parse(report.json().get("generatedAt").asText());
        assertFalse(generatedAt.isBefore(before), "the report is this run's: " + report.body());
        assertEquals(0, report.json().get("openDrifts").asInt(), report.body());
    }

    static boolean queueIsEmpty() {
        Map<String, String> attributes = stack.sqs().getQueueAttributes(b -> b.queueUrl(stack.queue("FulfilmentQueue").url())
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return attributes.values().stream().allMatch("0"::equals);
    }
}
