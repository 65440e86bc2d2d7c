package dev.prepaid.function.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.function.reconciliation.ReconFixture;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin routes, wired from an environment map as the Lambda is, on DynamoDB Local, ElasticMQ and a
 * fake Stripe API: scope checks first, then each route's refusals and its happy path.
 */
class AdminHandlerTest {
    private static final String ADMIN = "credits/admin";
    private static final String RECONCILE = "/api/admin/orders/%s/reconcile";
    private static final List<String[]> ROUTES = List.of(
            new String[] {"POST", RECONCILE.formatted("ord_000000000000000000000000"), null},
            new String[] {"GET", "/api/admin/reports/drift", null},
            new String[] {"GET", "/api/admin/dlq", null},
            new String[] {"POST", "/api/admin/dlq/redrive", "{\"max\": 1}"});

    private final ReconFixture fx = new ReconFixture();
    private final AdminHandler handler = AdminHandler.fromEnv(new Env(fx.vars));

    @AfterEach
    void close() {
        fx.close();
    }

    private APIGatewayV2HTTPResponse call(Events.Builder request) {
        return handler.handleRequest(request.build(), new TestContext("admin"));
    }

    private static Events.Builder admin(String method, String path) {
        return Events.request(method, path).service("ops-console", ADMIN);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(response.getBody(), e);
        }
    }

    private static void assertError(int status, String code, APIGatewayV2HTTPResponse response) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).path("error").asText(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("content-type"));
    }

    @Test
    void everyRouteIs401WithoutAToken() {
        for (String[] route : ROUTES) {
            assertError(401, "unauthorized", call(Events.request(route[0], route[1]).body(route[2])));
        }
    }

    @Test
    void everyRouteIs403ForAUserTokenAndForTheWriteScope() {
        for (String[] route : ROUTES) {
            assertError(403, "forbidden", call(Events.request(route[0], route[1]).user("alice").body(route[2])));
            assertError(403, "forbidden", call(Events.request(route[0], route[1])
                    .service("app-backend", "credits/write").body(route[2])));
        }
        assertEquals(0, fx.stripe.requests().size(), "nothing was asked of the provider");
    }

    @Test
    void theAdminScopeIsAlsoAcceptedFromTheAuthorizersScopeList() {
        APIGatewayV2HTTPResponse response = call(Events.request("GET", "/api/admin/dlq")
                .claims(Map.of("sub", "ops-console", "exp", Long.toString(System.currentTimeMillis() / 1000 + 60)))
                .scopes(List.of("openid", ADMIN)));
        assertEquals(200, response.getStatusCode(), response.getBody());
    }

    @Test
    void reconcilingAnUnknownOrMalformedOrderIs404() {
        assertError(404, "order_not_found", call(admin("POST", RECONCILE.formatted("ord_0123456789abcdef01234567"))));
        assertError(404, "order_not_found", call(admin("POST", RECONCILE.formatted("not-an-order"))));
        assertError(405, "method_not_allowed", call(admin("GET", RECONCILE.formatted("ord_0123456789abcdef01234567"))));
    }

    @Test
    void reconcilingAnOrderPaidAtTheProviderFulfilsItOnceAndAnswersItsStatus() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(1)); // young: reconcile on demand anyway
        fx.stripe.markPaid(order.checkoutId());

        APIGatewayV2HTTPResponse first = call(admin("POST", RECONCILE.formatted(order.orderId().value())));

        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode body = json(first);
        assertEquals(order.orderId().value(), body.path("orderId").asText());
        assertEquals("completed", body.path("result").asText());
        assertEquals("completed", body.path("status").asText());
        assertEquals("pending", body.path("previousStatus").asText());
        assertEquals(Credits.of(100), fx.balance(user));

        JsonNode again = json(call(admin("POST", RECONCILE.formatted(order.orderId().value()))));
        assertEquals("completed", again.path("result").asText());
        assertEquals("completed", again.path("previousStatus").asText());
        assertEquals(Credits.of(100), fx.balance(user), "credited once");
        assertEquals(1, fx.entries(user).size());
    }

    @Test
    void reconcilingAnOpenAndAnExpiredCheckoutSaysSo() {
        String user = ReconFixture.newUser();
        Order open = fx.stripeOrder(user, "trial", Duration.ofMinutes(1));
        Order expired = fx.stripeOrder(user, "trial", Duration.ofMinutes(1));
        fx.stripe.markExpired(expired.checkoutId());

        JsonNode pending = json(call(admin("POST", RECONCILE.formatted(open.orderId().value()))));
        assertEquals("pending", pending.path("result").asText());
        assertEquals("pending", pending.path("status").asText());
        assertEquals(open.createdAt().plus(Duration.ofMinutes(60)).toString(), pending.path("checkoutExpiresAt").asText());
        assertTrue(pending.path("stuck").isBoolean());
        assertFalse(pending.path("stuck").asBoolean(), "open within its lifetime: awaiting its buyer");

        JsonNode closed = json(call(admin("POST", RECONCILE.formatted(expired.orderId().value()))));
        assertEquals("expired", closed.path("result").asText());
        assertEquals("expired", closed.path("status").asText());
        assertFalse(closed.path("stuck").asBoolean());
        assertEquals(OrderStatus.EXPIRED, fx.order(expired).status());

        Order foreign = fx.foreignOrder(user, "creem", Duration.ofMinutes(1));
        assertError(409, "provider_not_configured", call(admin("POST", RECONCILE.formatted(foreign.orderId().value()))));
    }

    @Test
    void anOrderStillOpenPastItsConfiguredLifetimeIsStuck() {
        String user = ReconFixture.newUser();
        Order old = fx.stripeOrder(user, "trial", Duration.ofMinutes(70));

        JsonNode byDefault = json(call(admin("POST", RECONCILE.formatted(old.orderId().value()))));
        assertEquals("pending", byDefault.path("status").asText());
        assertEquals(old.createdAt().plus(Duration.ofMinutes(60)).toString(), byDefault.path("checkoutExpiresAt").asText());
        assertTrue(byDefault.path("stuck").asBoolean(), "open 70 minutes with a 60-minute lifetime and 5 minutes' grace");

        Map<String, String> vars = new HashMap<>(fx.vars);
        vars.put("CHECKOUT_LIFETIME_MINUTES", "120");
        AdminHandler longer = AdminHandler.fromEnv(new Env(vars));
        APIGatewayV2HTTPResponse response = longer.handleRequest(admin("POST",
                RECONCILE.formatted(old.orderId().value())).build(), new TestContext("admin"));
        JsonNode withLonger = json(response);
        assertEquals(old.createdAt().plus(Duration.ofMinutes(120)).toString(), withLonger.path("checkoutExpiresAt").asText());
        assertFalse(withLonger.path("stuck").asBoolean());

        vars.put("CHECKOUT_LIFETIME_MINUTES", "1500");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdminHandler.fromEnv(new Env(vars)));
        assertTrue(e.getMessage().startsWith("CHECKOUT_LIFETIME_MINUTES must be a whole number of minutes from 35 to 1440"),
                e.getMessage());
    }

    @Test
    void theDriftReportIs404BeforeTheFirstRunAndShowsTheLatestRunsDriftAfter() {
        assertError(404, "no_report", call(admin("GET", "/api/admin/reports/drift")));

        String user = ReconFixture.newUser();
        fx.grant(user, 5000);
        fx.corruptBalance(user, 199, 0);
        fx.run(fx.service());

        APIGatewayV2HTTPResponse response = call(admin("GET", "/api/admin/reports/drift"));

        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode drift = json(response);
        assertEquals(1, drift.path("usersChecked").asInt());
        assertEquals(1, drift.path("driftedUsers").asInt());
        assertEquals(0, drift.path("absoluteDrift").decimalValue().compareTo(new java.math.BigDecimal("1.99")));
        JsonNode one = drift.path("drifts").get(0);
        assertEquals(user, one.path("userId").asText());
        assertEquals(0, one.path("balance").decimalValue().compareTo(new java.math.BigDecimal("51.99")));
        assertEquals(0, one.path("ledgerSum").decimalValue().compareTo(new java.math.BigDecimal("50")));
        assertEquals(199, one.path("driftHundredths").asLong());
        assertTrue(drift.hasNonNull("generatedAt"));
        assertTrue(drift.path("passComplete").asBoolean());
    }

    @Test
    void theDriftReportListsOpenDriftItemsUntilTheyAreFixed() {
        String user = ReconFixture.newUser();
        fx.grant(user, 5000);
        fx.corruptBalance(user, 199, 0);
        fx.run(fx.service());
        fx.run(fx.service()); // the balance did not move again: this run found no new drift

        JsonNode body = json(call(admin("GET", "/api/admin/reports/drift")));

        assertEquals(0, body.path("driftedUsers").asInt(), "nothing new in the latest run");
        assertEquals(1, body.path("openDrifts").asInt(), body.toString());
        JsonNode open = body.path("open").get(0);
        assertEquals(user, open.path("userId").asText());
        assertEquals(199, open.path("driftHundredths").asLong());
        assertEquals(0, open.path("drift").decimalValue().compareTo(new java.math.BigDecimal("1.99")));
        assertTrue(java.time.Instant.parse(open.path("firstSeen").asText())
                .isBefore(java.time.Instant.parse(open.path("lastChecked").asText())));

        fx.corruptBalance(user, -199, 0);
        fx.run(fx.service());

        JsonNode fixed = json(call(admin("GET", "/api/admin/reports/drift")));
        assertEquals(0, fixed.path("openDrifts").asInt());
        assertEquals(0, fixed.path("open").size());
    }

    @Test
    void theDriftReportAlsoNamesTheLatestRunsMissingAndOrphanEntries() {
        String user = ReconFixture.newUser();
        Order lostEntry = fx.purchased(user, "trial");
        fx.deleteEntry(ReconFixture.purchaseEntry(lostEntry));
        Order lostOrder = fx.purchased(user, "trial");
        fx.deleteOrder(lostOrder);
        fx.run(fx.service());

        JsonNode body = json(call(admin("GET", "/api/admin/reports/drift")));

        JsonNode missing = body.path("missingEntries");
        assertEquals(1, missing.size(), body.toString());
        assertEquals(lostEntry.orderId().value(), missing.get(0).path("orderId").asText());
        assertEquals(user, missing.get(0).path("userId").asText());
        JsonNode orphans = body.path("orphanEntries");
        assertEquals(1, orphans.size(), body.toString());
        assertEquals(ReconFixture.purchaseEntry(lostOrder), orphans.get(0).path("entryId").asText());
        assertEquals(lostOrder.orderId().value(), orphans.get(0).path("orderId").asText());
    }

    @Test
    void badRedriveInputIs400() {
        for (String body : List.of("{\"max\": 0}", "{\"max\": 101}", "{\"max\": 2.5}", "{\"max\": -1}",
                "{\"max\": \"10\"}")) {
            assertError(400, "invalid_max", call(admin("POST", "/api/admin/dlq/redrive").body(body)));
        }
        assertError(400, "unknown_field", call(admin("POST", "/api/admin/dlq/redrive").body("{\"limit\": 5}")));
        assertError(400, "invalid_json", call(admin("POST", "/api/admin/dlq/redrive").body("{\"max\": ")));
        assertError(415, "unsupported_media_type", call(admin("POST", "/api/admin/dlq/redrive").body("{}")
                .header("content-type", "text/plain")));
        assertEquals(0, fx.depth(fx.queueUrl), "a refused request moved nothing");
    }

    @Test
    void theDlqDepthIsShownAndARedriveMovesMessagesBack() {
        for (int i = 0; i < 12; i++) {
            int n = i;
            fx.sqs.sendMessage(b -> b.queueUrl(fx.dlqUrl).messageBody("{\"n\": " + n + "}"));
        }
        assertEquals(12, json(call(admin("GET", "/api/admin/dlq"))).path("depth").asInt());

        JsonNode one = json(call(admin("POST", "/api/admin/dlq/redrive").body("{\"max\": 1}")));
        assertEquals(1, one.path("moved").asInt());
        JsonNode byDefault = json(call(admin("POST", "/api/admin/dlq/redrive")));
        assertEquals(10, byDefault.path("moved").asInt(), "no body: the default of 10");
        assertEquals(1, json(call(admin("GET", "/api/admin/dlq"))).path("depth").asInt());
        JsonNode rest = json(call(admin("POST", "/api/admin/dlq/redrive").body("{\"max\": 100}")));
        assertEquals(1, rest.path("moved").asInt());
        assertEquals(0, json(call(admin("GET", "/api/admin/dlq"))).path("depth").asInt());
        assertEquals(12, fx.depth(fx.queueUrl));
    }
}
