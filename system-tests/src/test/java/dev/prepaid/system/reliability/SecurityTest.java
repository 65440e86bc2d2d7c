package dev.prepaid.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.system.ReliabilityAccess;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LogCapture;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Security. A user calling every user route with another user's ids (orders, subscription, history cursor,
 * query parameters naming the other user) sees nothing of theirs; every service route and every operator
 * route refuses a user's token (and a service token without the operator scope), through API Gateway and
 * when the handler is reached directly; a browser callback that claims success for an unpaid checkout
 * grants nothing (mock provider and Stripe); and the logs of all of it hold no secret, no bearer token and
 * no e-mail address although the requests and provider events carried them.
 */
@ExtendWith(SuiteLogs.class)
class SecurityTest {
    private final Violations violations = new Violations();
    private int crossUser;
    private int privileged;
    private int forgedCallbacks;
    private int irrelevantEvents;
    private int mismatchItems;

    @Test
    void usersSeeOnlyTheirOwnPrivilegedRoutesRefuseUsersAndAForgedCallbackGrantsNothing() {
        String logs;
        try (LogCapture capture = new LogCapture()) {
            try (ReliabilityAccess system = new ReliabilityAccess("mock")) {
                Http http = new Http(system.baseUrl());
                isolation(system, http);
                privilegedRoutes(system, http);
                forgedCallbacks(system, http);
            }
            try (ReliabilityAccess system = new ReliabilityAccess("stripe")) {
                forgedStripeCallback(system, new Http(system.baseUrl()));
                signedButIrrelevant(system, new Http(system.baseUrl()));
            }
            logs = capture.text();
        }
        violations.check(logs.contains("/api/payment/orders/") && logs.contains("-> 403"),
                "the capture saw the requests: " + logs.length() + " characters");
        List<String> leaks = SuiteLogs.scan(logs);
        leaks.forEach(leak -> violations.add("logs: " + leak));
        ObjectNode figures = Figures.object();
        figures.put("crossUserRequests", crossUser);
        figures.put("privilegedRouteRequests", privileged);
        figures.put("forgedCallbacks", forgedCallbacks);
        figures.put("signedIrrelevantEvents", irrelevantEvents);
        figures.put("paymentMismatchItems", mismatchItems);
        figures.put("logLinesScanned", logs.lines().count());
        figures.put("violations", violations.count());
        figures.putPOJO("firstViolations", violations.first());
        Figures.publish("security", figures);
        assertEquals(0, violations.count(), violations.summary());
        assertTrue(crossUser >= 20 && privileged >= 20 && forgedCallbacks >= 5 && irrelevantEvents >= 9, figures.toString());
    }

    // --- one user, another's ids ----------------------------------------------------------------------

    private void isolation(ReliabilityAccess system, Http http) {
        String alice = "alice-" + Reliability.seed();
        String bob = "bob-" + Reliability.seed();
        Set<String> secrets = new LinkedHashSet<>();
        secrets.add(alice);
        post(http, "/api/credits/grant", "{\"userId\": \"" + alice + "\", \"amount\": 50, \"reason\": \"welcome\", \"idempotencyKey\": \"sec-1\"}");
        post(http, "/api/credits/deduct", "{\"userId\": \"" + alice + "\", \"amount\": 5, \"idempotencyKey\": \"sec-2\","
                + " \"description\": \"portrait of alice@example.com\", \"metadata\": {\"prompt\": \"alice's secret prompt\"}}");
        post(http, "/api/credits/grant", "{\"userId\": \"" + bob + "\", \"amount\": 10, \"reason\": \"welcome\", \"idempotencyKey\": \"sec-3\"}");
        // alice: a subscription, a pack, and an order she has not paid
        MockCheckout subscription = buy(system, http, alice, "basic");
        MockCheckout pack = buy(system, http, alice, "trial");
        JsonNode unpaid = http.json("POST", "/api/payment/create-order", "user:" + alice, "{\"productId\": \"trial\"}").json();
        for (MockCheckout checkout : List.of(subscription, pack)) {
            secrets.add(checkout.orderId());
            secrets.add(checkout.id());
            secrets.add(MockEvents.suffix(checkout));
        }
        secrets.add(unpaid.get("orderId").asText());
        secrets.add(unpaid.get("checkoutId").asText());
        secrets.add("secret prompt");
        secrets.add("alice@example.com");
        List<Ledger.Entry> aliceEntries = Ledger.read(http, alice);
        aliceEntries.forEach(e -> secrets.add(e.entryId()));
        long aliceBalance = Ledger.balance(http, alice);
        String aliceCursor = http.get("/api/credits/transactions?limit=1", "user:" + alice).json().path("nextCursor").asText();
        violations.check(!aliceCursor.isEmpty(), "alice has more than one page of history");

        String token = "user:" + bob;
        List<String> orders = List.of(subscription.orderId(), pack.orderId(), unpaid.get("orderId").asText());
        for (String orderId : orders) {
            Http.Reply reply = http.get("/api/payment/orders/" + orderId, token);
            crossUser++;
            violations.check(reply.status() == 404 && "order_not_found".equals(reply.json().path("error").asText()),
                    "bob reading alice's order " + orderId + " got " + reply.status());
            clean("order " + orderId, reply, secrets);
        }
        String a = URLEncoder.encode(alice, StandardCharsets.UTF_8);
        List<String> reads = List.of("/api/credits/balance", "/api/credits/balance?userId=" + a, "/api/credits/transactions",
                "/api/credits/transactions?userId=" + a, "/api/credits/transactions?type=usage&userId=" + a,
                "/api/credits/transactions?type=purchase", "/api/credits/transactions?type=subscription_grant",
                "/api/credits/usage/summary?userId=" + a, "/api/credits/usage/daily?userId=" + a,
                "/api/credits/usage/summary?from=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(360)
                        + "&to=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1), "/api/credits/usage/daily?days=366",
                "/api/credits/transactions?limit=100",
                "/api/payment/subscription", "/api/payment/subscription?userId=" + a);
        for (String path : reads) {
            Http.Reply reply = http.get(path, token);
            crossUser++;
            violations.check(reply.status() == 200, "bob's " + path + " answered " + reply.status());
            clean(path, reply, secrets);
        }
        violations.check(http.get("/api/payment/subscription", token).json().path("subscription").isNull(),
                "bob sees a subscription");
        violations.check(Ledger.balance(http, bob) == 1_000, "bob's balance is his own");
        // alice's cursor in bob's hands: refused, or a page of bob's own entries
        Http.Reply cursor = http.get("/api/credits/transactions?cursor=" + URLEncoder.encode(aliceCursor, StandardCharsets.UTF_8), token);
        crossUser++;
        violations.check(cursor.status() == 400 || cursor.status() == 200, "alice's cursor for bob answered " + cursor.status());
        clean("alice's cursor", cursor, secrets);
        for (String[] write : new String[][] {
                {"/api/payment/subscription/cancel", "{\"atPeriodEnd\": false}"},
                {"/api/payment/subscription/change-plan", "{\"productId\": \"pro\"}"},
                {"/api/payment/billing-portal", "{\"returnUrl\": \"https://app.test/account\"}"},
                {"/api/payment/create-order", "{\"productId\": \"trial\", \"userId\": \"" + alice + "\"}"}}) {
            Http.Reply reply = http.json("POST", write[0], token, write[1]);
            crossUser++;
            violations.check(reply.status() == 404 || reply.status() == 400, "bob's " + write[0] + " answered " + reply.status());
            clean(write[0], reply, secrets);
        }
        violations.check("active".equals(http.get("/api/payment/subscription", "user:" + alice).json()
                .path("subscription").path("status").asText()), "alice's subscription is still active");
        violations.check(Ledger.balance(http, alice) == aliceBalance, "alice's balance moved");
    }

    private void clean(String what, Http.Reply reply, Set<String> secrets) {
        for (String secret : secrets) {
            violations.check(reply.body() == null || !reply.body().contains(secret),
                    "bob's " + what + " shows alice's " + (secret.length() > 12 ? secret.substring(0, 12) + "..." : secret));
        }
    }

    // --- service and operator routes -------------------------------------------------------------------

    private void privilegedRoutes(ReliabilityAccess system, Http http) {
        // The operator routes are wired by the system as the template wires them: scope credits/admin on every one.
        Http.Reply operator = http.get("/api/admin/dlq", "admin:ops");
        violations.check(operator.status() == 200, "the operator route is wired: " + operator.status() + " " + operator.body());

        String victim = "victim-" + Reliability.seed();
        post(http, "/api/credits/grant", "{\"userId\": \"" + victim + "\", \"amount\": 20, \"reason\": \"x\", \"idempotencyKey\": \"sec-victim\"}");
        String deductionId = post(http, "/api/credits/deduct", "{\"userId\": \"" + victim
                + "\", \"amount\": 5, \"idempotencyKey\": \"sec-victim-d\"}").get("deductionId").asText();
        String orderId = http.json("POST", "/api/payment/create-order", "user:" + victim, "{\"productId\": \"trial\"}")
                .json().get("orderId").asText();
        String before = system.tableSnapshot();
        Map<String, String> bodies = Map.of(
                "/api/credits/deduct", "{\"userId\": \"" + victim + "\", \"amount\": 1, \"idempotencyKey\": \"sec-steal\"}",
                "/api/credits/refund", "{\"deductionId\": \"" + deductionId + "\", \"reason\": \"steal\"}",
                "/api/credits/grant", "{\"userId\": \"" + victim + "\", \"amount\": 1000, \"reason\": \"steal\", \"idempotencyKey\": \"sec-steal\"}",
                "/api/admin/orders/" + orderId + "/reconcile", "{}",
                "/api/admin/dlq/redrive", "{\"max\": 10}");
        for (Map.Entry<String, String> route : bodies.entrySet()) {
            boolean adminRoute = route.getKey().startsWith("/api/admin/");
            // credits/write spends and refunds; it cannot create credits (the grant route wants credits/grant or admin)
            List<String> tokens = adminRoute ? List.of("user:" + victim, "service:app-backend")
                    : route.getKey().equals("/api/credits/grant") ? List.of("user:" + victim, "writer:app-backend")
                    : List.of("user:" + victim);
            for (String token : tokens) {
                Http.Reply reply = http.json("POST", route.getKey(), token, route.getValue());
                privileged++;
                // a valid token without the route's scope: API Gateway's own 403, never 401 (the token is fine)
                violations.check(adminRoute ? reply.status() == 403 : reply.status() == 403 || reply.status() == 401,
                        token.replaceAll(":.*", "") + " token on " + route.getKey() + " answered " + reply.status());
            }
            Http.Reply none = http.json("POST", route.getKey(), null, route.getValue());
            privileged++;
            violations.check(none.status() == 401, "no token on " + route.getKey() + " answered " + none.status());
        }
        for (String path : List.of("/api/admin/dlq", "/api/admin/reports/drift")) {
            for (String token : List.of("user:" + victim, "service:app-backend")) {
                Http.Reply reply = http.get(path, token);
                privileged++;
                violations.check(reply.status() == 403, token.replaceAll(":.*", "") + " token on " + path
                        + " answered " + reply.status());
            }
        }
        // The handlers check again, should a route ever be wired without its scope.
        String future = Long.toString(Instant.now().getEpochSecond() + 600);
        List<ApiGatewayHandler> handlers = new ArrayList<>(system.httpHandlers());
        handlers.removeIf(h -> h instanceof dev.prepaid.function.notfound.NotFoundHandler); // answers 404/405 only
        for (ApiGatewayHandler handler : handlers) {
            for (String routeKey : handler.router().routeKeys()) {
                String path = routeKey.substring(routeKey.indexOf(' ') + 1).replace("{orderId}", orderId);
                boolean serviceRoute = path.startsWith("/api/credits/") && routeKey.startsWith("POST");
                if (!serviceRoute && !path.startsWith("/api/admin/")) {
                    continue;
                }
                String method = routeKey.substring(0, routeKey.indexOf(' '));
                List<Map<String, String>> callers = new ArrayList<>(List.of(
                        Map.of("sub", victim, "exp", future, "scope", "openid"),
                        Map.of("sub", victim, "exp", future)));
                if (path.startsWith("/api/admin/") || path.equals("/api/credits/grant")) {
                    callers.add(Map.of("sub", "app-backend", "exp", future, "scope", "credits/write"));
                }
                for (Map<String, String> claims : callers) {
                    Events.Builder request = Events.request(method, path).claims(claims);
                    String body = bodies.get(path);
                    if (method.equals("POST")) {
                        request.body(body == null ? "{}" : body);
                    }
                    APIGatewayV2HTTPResponse response = handler.handleRequest(request.build(), new TestContext("direct"));
                    privileged++;
                    violations.check(response.getStatusCode() == 403, "direct " + routeKey + " with scope " + claims.get("scope")
                            + " answered " + response.getStatusCode() + " " + response.getBody());
                }
            }
        }
        violations.check(before.equals(system.tableSnapshot()), "a refused privileged request changed the table");
    }

    // --- the browser's word ----------------------------------------------------------------------------

    private void forgedCallbacks(ReliabilityAccess system, Http http) {
        String carol = "carol-" + Reliability.seed();
        JsonNode order = http.json("POST", "/api/payment/create-order", "user:" + carol, "{\"productId\": \"trial\"}").json();
        String orderId = order.get("orderId").asText();
        String checkoutId = order.get("checkoutId").asText();
        for (String query : List.of("?orderId=" + orderId + "&status=success",
                "?orderId=" + orderId + "&session_id=" + checkoutId + "&status=success&payment_status=paid",
                "?checkout_id=" + checkoutId + "&status=completed", "?session_id=" + checkoutId + "&redirect_status=succeeded",
                "?orderId=" + orderId + "&status=completed&amount=790&signature=deadbeef")) {
            Http.Reply reply = http.get("/api/payment/callback" + query, null);
            forgedCallbacks++;
            violations.check(reply.status() == 302 && (ReliabilityAccess.SUCCESS_URL + "?orderId=" + orderId + "&status=pending")
                    .equals(reply.header("location")), "forged callback " + query + " answered " + reply.status() + " " + reply.header("location"));
        }
        // and on the provider's callback URL, a body that says it was paid, without the provider's signature
        MockCheckout open = system.mock().checkouts().find(checkoutId).orElseThrow();
        MockEvents.Event claim = MockEvents.checkoutCompleted(open.paid());
        Http.Reply forged = http.send("POST", "/api/payment/callback", claim.body(),
                List.of(new Http.Header("content-type", "application/json")));
        forgedCallbacks++;
        violations.check(forged.status() == 400, "an unsigned paid claim answered " + forged.status());
        system.drain();
        violations.check(Ledger.balance(http, carol) == 0, "a forged callback granted credits");
        violations.check(Ledger.read(http, carol).isEmpty(), "a forged callback wrote an entry");
        violations.check("pending".equals(http.get("/api/payment/orders/" + orderId, "user:" + carol).json().path("status").asText()),
                "the unpaid order left pending");
        violations.check(system.mock().checkouts().find(checkoutId).orElseThrow().status() == MockCheckout.Status.OPEN,
                "the checkout is still open at the provider");
    }

    private void forgedStripeCallback(ReliabilityAccess system, Http http) {
        String dave = "dave-" + Reliability.seed();
        JsonNode order = http.json("POST", "/api/payment/create-order", "user:" + dave, "{\"productId\": \"trial\"}").json();
        String orderId = order.get("orderId").asText();
        String sessionId = order.get("checkoutId").asText();
        Http.Reply lie = http.get("/api/payment/callback?orderId=" + orderId + "&session_id=" + sessionId
                + "&status=success&payment_status=paid", null);
        forgedCallbacks++;
        violations.check(lie.status() == 302 && (ReliabilityAccess.SUCCESS_URL + "?orderId=" + orderId + "&status=pending")
                .equals(lie.header("location")), "stripe: forged callback answered " + lie.status() + " " + lie.header("location"));
        // a checkout.session.completed for it, signed with a secret that is not ours
        String payload = StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(sessionId, orderId, "pi_forged", 790, "usd"));
        List<Http.Header> headers = new ArrayList<>();
        StripeWebhooks.headers(payload, "whsec_attacker").forEach((k, v) -> headers.add(new Http.Header(k, v)));
        Http.Reply forged = http.send("POST", "/api/payment/webhook/stripe", payload.getBytes(StandardCharsets.UTF_8), headers);
        forgedCallbacks++;
        violations.check(forged.status() == 400, "stripe: a webhook signed by someone else answered " + forged.status());
        system.drain();
        violations.check(Ledger.balance(http, dave) == 0, "stripe: a forged callback granted credits");
        violations.check("pending".equals(http.get("/api/payment/orders/" + orderId, "user:" + dave).json().path("status").asText()),
                "stripe: the unpaid order left pending");
    }

    // --- signed by the provider, but not for what we sold (issue 10) -----------------------------------

    /**
     * Events with a valid Stripe signature that must grant nothing: another checkout naming the order (a Payment
     * Link's client_reference_id), the order's own checkout for 1 cent or in another currency, a checkout naming
     * an order that is not its own, refunds and disputes of charges prepaid never credited (a shared account), a
     * failed refund never clawed back, and a refund in another currency than its payment. Each is acknowledged
     * (nothing left in the queue, nothing in the DLQ), grants 0 credits, and the mismatches are listed.
     */
    private void signedButIrrelevant(ReliabilityAccess system, Http http) {
        String erin = "erin-" + Reliability.seed();
        JsonNode order = http.json("POST", "/api/payment/create-order", "user:" + erin, "{\"productId\": \"trial\"}").json();
        String orderId = order.get("orderId").asText();
        String sessionId = order.get("checkoutId").asText();
        String foreignPi = StripeWebhooks.id("pi_");
        List<ObjectNode> events = List.of(
                StripeWebhooks.checkoutSessionCompleted(StripeWebhooks.id("cs_link_"), orderId, StripeWebhooks.id("pi_"), 790, "usd"),
                StripeWebhooks.checkoutSessionCompleted(sessionId, orderId, StripeWebhooks.id("pi_"), 1, "usd"),
                StripeWebhooks.checkoutSessionCompleted(sessionId, orderId, StripeWebhooks.id("pi_"), 790, "jpy"),
                StripeWebhooks.checkoutSessionCompleted(sessionId, "ord_00000000000000000000000a", StripeWebhooks.id("pi_"), 790, "usd"),
                StripeWebhooks.checkoutSessionCompleted(StripeWebhooks.id("cs_other_"), null, StripeWebhooks.id("pi_"), 790, "usd"),
                StripeWebhooks.refundCreated(StripeWebhooks.id("re_"), StripeWebhooks.id("ch_"), foreignPi, 2500, "usd"),
                StripeWebhooks.disputeCreated(StripeWebhooks.id("dp_"), StripeWebhooks.id("ch_"), foreignPi, 2500, "usd"),
                StripeWebhooks.refundFailed("charge.refund.updated", StripeWebhooks.id("re_"), StripeWebhooks.id("ch_"),
                        foreignPi, 2500, "usd"));
        for (ObjectNode event : events) {
            signedStripe(http, event);
            irrelevantEvents++;
        }
        // frank really buys, then a signed refund of his payment in another currency arrives
        String frank = "frank-" + Reliability.seed();
        JsonNode frankOrder = http.json("POST", "/api/payment/create-order", "user:" + frank, "{\"productId\": \"trial\"}").json();
        ObjectNode paidSession = system.stripe().markPaid(frankOrder.get("checkoutId").asText());
        signedStripe(http, StripeWebhooks.checkoutSessionCompleted(paidSession));
        settle(system);
        long frankPaid = Ledger.balance(http, frank);
        violations.check(frankPaid > 0, "stripe: frank's real purchase was credited");
        signedStripe(http, StripeWebhooks.refundCreated(StripeWebhooks.id("re_"), StripeWebhooks.id("ch_"),
                paidSession.get("payment_intent").asText(), 790, "eur"));
        irrelevantEvents++;
        settle(system);

        violations.check(Ledger.balance(http, erin) == 0, "stripe: a signed but irrelevant event granted credits");
        violations.check(Ledger.read(http, erin).isEmpty(), "stripe: a signed but irrelevant event wrote an entry");
        violations.check("pending".equals(http.get("/api/payment/orders/" + orderId, "user:" + erin).json().path("status").asText()),
                "stripe: the order paid by irrelevant events left pending");
        violations.check(Ledger.balance(http, frank) == frankPaid, "stripe: a refund in another currency took credits");
        violations.check(system.queueDepth() == 0, "stripe: irrelevant events are still being retried");
        int dlq = Integer.parseInt(system.sqs().getQueueAttributes(b -> b.queueUrl(system.dlqUrl())
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
        violations.check(dlq == 0, "stripe: " + dlq + " irrelevant events went to the DLQ");
        var mismatches = new dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore(system.dynamo(), system.table())
                .paymentMismatches(100);
        mismatchItems = mismatches.size();
        violations.check(mismatches.stream().filter(m -> orderId.equals(m.orderId())).count() == 4
                        && mismatches.stream().anyMatch(m -> "refund_currency_mismatch".equals(m.reason())),
                "stripe: the mismatches are listed for a person: " + mismatches);
    }

    private static void signedStripe(Http http, ObjectNode event) {
        String payload = StripeWebhooks.json(event);
        List<Http.Header> headers = new ArrayList<>();
        StripeWebhooks.headers(payload, ReliabilityAccess.STRIPE_WEBHOOK_SECRET).forEach((k, v) -> headers.add(new Http.Header(k, v)));
        Http.Reply reply = http.send("POST", "/api/payment/webhook/stripe", payload.getBytes(StandardCharsets.UTF_8), headers);
        if (reply.status() != 200) {
            throw new IllegalStateException("stripe webhook answered " + reply.status() + ": " + reply.body());
        }
    }

    /** Drains until nothing is left in flight: foreign refunds are retried until their third receive. */
    private static void settle(ReliabilityAccess system) {
        for (int i = 0; i < 20 && (system.drain() > 0 || system.queueDepth() > 0); i++) {
            Thread.onSpinWait();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private static JsonNode post(Http http, String path, String body) {
        Http.Reply reply = http.json("POST", path, "service:app-backend", body);
        if (reply.status() != 200) {
            throw new IllegalStateException(path + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }

    /** Buys through the mock provider, with a customer e-mail in every event, and waits for the credits. */
    private static MockCheckout buy(ReliabilityAccess system, Http http, String user, String product) {
        JsonNode order = http.json("POST", "/api/payment/create-order", "user:" + user, "{\"productId\": \"" + product + "\"}").json();
        MockCheckout checkout = MockEvents.pay(system.mock(), order.get("checkoutId").asText());
        List<MockEvents.Event> events = new ArrayList<>(List.of(MockEvents.checkoutCompleted(checkout)));
        if (checkout.isSubscription()) {
            events.add(MockEvents.invoicePaid(checkout, 1));
        }
        for (MockEvents.Event event : events) {
            List<Http.Header> headers = new ArrayList<>();
            event.headers(ReliabilityAccess.MOCK_WEBHOOK_SECRET).forEach((k, v) -> headers.add(new Http.Header(k, v)));
            Http.Reply reply = http.send("POST", "/api/payment/webhook/mock", event.body(), headers);
            if (reply.status() != 200) {
                throw new IllegalStateException("webhook answered " + reply.status() + ": " + reply.body());
            }
        }
        system.drain();
        return checkout;
    }
}
