package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.assertError;
import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.call;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditQueryService;
import dev.prepaid.testing.Events;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may call, and what an unknown route or method gets, on every route. The user is the verified
 * token's subject; anything wrong with it is a 401 before any data is read.
 */
class AuthAndRoutingTest {
    static final List<String> ROUTES = List.of("/api/credits/balance", "/api/credits/transactions",
            "/api/credits/usage/summary", "/api/credits/usage/daily");

    private static QueryFixture fixture;
    private static CreditsQueryHandler handler;

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-06-01T00:00:00Z"));
        fixture.grant("auth-user", "auth-grant-1", "42", at("2026-05-30T00:00:00Z"));
    }

    static Stream<String> routes() {
        return ROUTES.stream();
    }

    private static long inAnHour() {
        return Instant.now().getEpochSecond() + 3600;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aValidTokenIsServed(String path) {
        ok(handler, Events.request("GET", path).user("auth-user").build());
        // A trailing slash is the same route.
        ok(handler, Events.request("GET", path + "/").user("auth-user").build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void noAuthorizerIsUnauthorized(String path) {
        APIGatewayV2HTTPEvent event = Events.request("GET", path).build();
        assertEquals(null, event.getRequestContext().getAuthorizer());

        assertError(call(handler, event), 401, "unauthorized");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anAuthorizerWithoutClaimsOrSubjectIsUnauthorized(String path) {
        assertError(call(handler, Events.request("GET", path).claims(Map.of()).build()), 401, "unauthorized");
        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("exp", Long.toString(inAnHour()), "scope", "openid")).build()), 401, "unauthorized");
        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "", "exp", Long.toString(inAnHour()))).build()), 401, "unauthorized");
        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "   ", "exp", Long.toString(inAnHour()))).build()), 401, "unauthorized");
        // An authorizer block with no jwt at all.
        APIGatewayV2HTTPEvent event = Events.request("GET", path).build();
        event.getRequestContext().setAuthorizer(new APIGatewayV2HTTPEvent.RequestContext.Authorizer());
        assertError(call(handler, event), 401, "unauthorized");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anExpiredTokenIsUnauthorized(String path) {
        long aMinuteAgo = Instant.now().getEpochSecond() - 60;
        QueryFixture.Reply reply = assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "auth-user", "exp", Long.toString(aMinuteAgo))).build()), 401, "unauthorized");
        assertEquals("the token has expired", reply.text("message"));

        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "auth-user", "exp", "0")).build()), 401, "unauthorized");
        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "auth-user", "exp", "tomorrow")).build()), 401, "unauthorized");
        assertError(call(handler, Events.request("GET", path)
                .claims(Map.of("sub", "auth-user", "exp", "")).build()), 401, "unauthorized");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aSubjectThatCannotBeAUserIdIsUnauthorized(String path) {
        for (String sub : List.of("user#1", "USER#auth-user", "auth-user#LEDGER", "auth user", " auth-user",
                "auth-user\t", "auth-user\n", "auth\u00A0user", "auth\u2003user", "x".repeat(129))) {
            Map<String, String> claims = new HashMap<>();
            claims.put("sub", sub);
            claims.put("exp", Long.toString(inAnHour()));
            QueryFixture.Reply reply = assertError(call(handler, Events.request("GET", path).claims(claims).build()),
                    401, "unauthorized");
            assertEquals("the token's subject is not a valid user id", reply.text("message"), sub);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongMethods")
    void anotherMethodOnAReadRouteIsNotAllowed(String method, String path) {
        QueryFixture.Reply reply = assertError(call(handler, Events.request(method, path).user("auth-user")
                .body("{}").build()), 405, "method_not_allowed");

        assertEquals("GET", reply.headers().get("allow"));
    }

    static Stream<Arguments> wrongMethods() {
        return ROUTES.stream().flatMap(path -> Stream.of("POST", "PUT", "PATCH", "DELETE")
                .map(method -> Arguments.of(method, path)));
    }

    @Test
    void aWrongMethodIsRefusedEvenWithoutAToken() {
        QueryFixture.Reply reply = assertError(call(handler, Events.request("POST", "/api/credits/balance").build()),
                405, "method_not_allowed");
        assertEquals("GET", reply.headers().get("allow"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/api", "/api/credits", "/api/credits/balances", "/api/credits/balance/extra",
            "/api/credits/usage", "/api/credits/usage/weekly", "/api/credits/transactions/usage%23x",
            "/API/CREDITS/BALANCE", "/api/credits//balance", "/api/credits/deduct", "/api/credits/grant"})
    void anUnknownPathIsNotFound(String path) {
        assertError(call(handler, Events.request("GET", path).user("auth-user").build()), 404, "not_found");
        assertError(call(handler, Events.request("POST", path).user("auth-user").build()), 404, "not_found");
    }

    @Test
    void anInternalFailureIsA500WithoutDetails() {
        CreditsQueryHandler broken = QueryHandlers.of(
                new CreditQueryService(new DynamoLedgerStore(fixture.client, "prepaid-no-such-table")),
                Clock.fixed(at("2026-06-01T00:00:00Z"), ZoneOffset.UTC));

        for (String path : ROUTES) {
            APIGatewayV2HTTPEvent event = Events.request("GET", path).user("auth-user").build();
            QueryFixture.Reply reply = assertError(call(broken, event), 500, "internal_error");
            assertTrue(reply.text("message").contains(event.getRequestContext().getRequestId()), reply.body());
            assertTrue(!reply.body().contains("no-such-table") && !reply.body().contains("ResourceNotFound"),
                    reply.body());
        }
    }
}
