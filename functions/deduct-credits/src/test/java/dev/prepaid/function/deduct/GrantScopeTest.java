package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may create credits (issue 10 item 5): {@code credits/grant} up to MAX_GRANT per grant and never negative,
 * {@code credits/admin} any amount, {@code credits/write} (spend and refund) not at all. Every refusal is a JSON
 * 4xx and writes nothing. The handler here is capped at 50 credits, as MAX_GRANT=50 would.
 */
class GrantScopeTest {
    static DeductFixture fx;
    static DeductCreditsHandler capped;

    @BeforeAll
    static void start() {
        fx = new DeductFixture();
        capped = DeductHandlers.of(new CreditService(new DynamoLedgerStore(fx.dynamo, fx.table),
                PricingCatalog.defaults(), Clock.systemUTC()), Credits.of(50));
    }

    static Stream<Arguments> scopeCombinations() {
        return Stream.of(
                // scope claim, amount, status, error code (null: granted)
                Arguments.of("credits/write", "10", 403, "forbidden"),
                Arguments.of("credits/write", "-10", 403, "forbidden"),
                Arguments.of("credits/read credits/writer", "10", 403, "forbidden"),
                Arguments.of("credits/grant", "10", 200, null),
                Arguments.of("credits/grant", "50", 200, null),
                Arguments.of("credits/grant", "50.01", 422, "grant_over_limit"),
                Arguments.of("credits/grant", "1000000", 422, "grant_over_limit"),
                Arguments.of("credits/grant", "-0.01", 403, "forbidden"),
                Arguments.of("credits/grant", "0", 400, "invalid_amount"),
                Arguments.of("credits/write credits/grant", "20", 200, null),
                Arguments.of("credits/write credits/grant", "51", 422, "grant_over_limit"),
                Arguments.of("credits/admin", "10", 200, null),
                Arguments.of("credits/admin", "5000", 200, null),
                Arguments.of("credits/admin", "-3", 200, null),
                Arguments.of("credits/grant credits/admin", "5000", 200, null));
    }

    @ParameterizedTest(name = "{0} amount {1} -> {2}")
    @MethodSource("scopeCombinations")
    void eachScopeCombinationGrantsExactlyWhatItMay(String scope, String amount, int status, String code) {
        String user = DeductFixture.newUser();
        String before = snapshot();
        Reply reply = grant(scope, user, amount);
        if (code == null) {
            assertEquals(200, reply.status(), reply.body());
            assertEquals(0, new BigDecimal(amount).compareTo(reply.json().get("balance").decimalValue()));
        } else {
            DeductCreditsBadInputTest.assertError(reply, status, code);
            assertEquals(before, snapshot(), "a refused grant changed the table");
        }
    }

    @Test
    void theOverCapAnswerNamesTheCap() {
        Reply reply = grant("credits/grant", DeductFixture.newUser(), "75");
        assertEquals(422, reply.status(), reply.body());
        assertEquals(0, new BigDecimal("50").compareTo(reply.json().get("maxGrant").decimalValue()), reply.body());
    }

    @Test
    void theScopeIsAlsoReadFromTheAuthorizersScopeList() {
        // API Gateway hands the route's matched scopes in requestContext.authorizer.jwt.scopes
        Reply reply = fx.call(capped, Events.request("POST", "/api/credits/grant")
                .claims(Map.of("sub", "app-backend", "exp", Long.toString(System.currentTimeMillis() / 1000 + 600)))
                .scopes(java.util.List.of("credits/grant"))
                .body(body(DeductFixture.newUser(), "5")).build());
        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    void maxGrantComesFromTheEnvironment() {
        assertEquals(Credits.of(1000), dev.prepaid.wiring.DeductCreditsWiring.maxGrant(new Env(Map.of())), "the template's default");
        assertEquals(Credits.ofHundredths(2550), dev.prepaid.wiring.DeductCreditsWiring.maxGrant(new Env(Map.of("MAX_GRANT", "25.5"))));
        assertThrows(IllegalStateException.class, () -> dev.prepaid.wiring.DeductCreditsWiring.maxGrant(new Env(Map.of("MAX_GRANT", "0"))));
        assertThrows(IllegalStateException.class, () -> dev.prepaid.wiring.DeductCreditsWiring.maxGrant(new Env(Map.of("MAX_GRANT", "lots"))));
    }

    private static String snapshot() {
        return fx.dynamo.scan(b -> b.tableName(fx.table).consistentRead(true)).items().stream()
                .map(item -> new java.util.TreeMap<>(item).toString()).sorted().toList().toString();
    }

    private static Reply grant(String scope, String user, String amount) {
        return fx.call(capped, Events.request("POST", "/api/credits/grant").service("app-backend", scope)
                .body(body(user, amount)).build());
    }

    private static String body(String user, String amount) {
        return """
                {"userId": "%s", "amount": %s, "reason": "scope test", "idempotencyKey": "%s"}"""
                .formatted(user, amount, "g-" + UUID.randomUUID());
    }
}
