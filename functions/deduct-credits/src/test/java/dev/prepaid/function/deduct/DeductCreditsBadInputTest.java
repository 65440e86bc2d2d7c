package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every write route, wrong in every way we could think of: each answer is a 4xx with a
 * JSON error naming the problem, and none of them changes the ledger.
 */
class DeductCreditsBadInputTest {
    static DeductFixture fx;
    static final String USER = "bad-input-user";

    @BeforeAll
    static void start() {
        fx = new DeductFixture();
        fx.grant(USER, "100");
        fx.deduct(USER, "10", "existing");
    }

    static Stream<Arguments> badBodies() {
        String deduct = "/api/credits/deduct";
        String refund = "/api/credits/refund";
        String grant = "/api/credits/grant";
        String big = "x".repeat(70 * 1024);
        return Stream.of(
                // deduct: userId
                Arguments.of(deduct, "{\"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": 5, \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": \"\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": \"a#b\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": \"a b\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": \"a\\u0000b\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                Arguments.of(deduct, "{\"userId\": \"" + "u".repeat(129) + "\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_user_id"),
                // deduct: amount
                Arguments.of(deduct, body(USER, "0"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "-5"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "1.001"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "1000000000.01"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "1e30"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "\"5\""), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "true"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "[1]"), 400, "invalid_amount"),
                Arguments.of(deduct, body(USER, "{}"), 400, "invalid_amount"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"idempotencyKey\": \"k\"}", 400, "invalid_request"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"operation\": \"video\", \"idempotencyKey\": \"k\"}", 400, "invalid_request"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"params\": {\"a\": 1}, \"idempotencyKey\": \"k\"}", 400, "invalid_request"),
                // deduct: operation and params
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"teleport\", \"idempotencyKey\": \"k\"}", 400, "unknown_operation"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": 7, \"idempotencyKey\": \"k\"}", 400, "invalid_operation"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"video\", \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"video\", \"params\": {\"durationSeconds\": \"long\"}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"video\", \"params\": {\"durationSeconds\": -1}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"video\", \"params\": {\"durationSeconds\": 1e9}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"image\", \"params\": {\"quality\": \"8k\"}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"image\", \"params\": {\"colour\": \"red\"}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"image\", \"params\": [1], \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"operation\": \"image\", \"params\": {\"quality\": {\"x\": 1}}, \"idempotencyKey\": \"k\"}", 400, "invalid_params"),
                // deduct: idempotencyKey
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": 42}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"\"}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"has space\"}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"a#b\"}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"\u00e9t\u00e9\"}", 400, "invalid_idempotency_key"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"" + "k".repeat(256) + "\"}", 400, "invalid_idempotency_key"),
                // deduct: description and metadata
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"description\": 5}", 400, "invalid_description"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"description\": \"" + "d".repeat(501) + "\"}", 400, "invalid_description"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"description\": \"bell\\u0007\"}", 400, "invalid_description"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"metadata\": \"x\"}", 400, "invalid_metadata"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"metadata\": {\"n\": 1}}", 400, "invalid_metadata"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"metadata\": {\"_price\": \"0\"}}", 400, "invalid_metadata"),
                // deduct: shape of the document
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"k\", \"amout\": 2}", 400, "unknown_field"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"userId\": \"v\", \"amount\": 1, \"idempotencyKey\": \"k\"}", 400, "invalid_json"),
                Arguments.of(deduct, "{\"userId\": \"u\", \"amount\": 1,", 400, "invalid_json"),
                Arguments.of(deduct, "[]", 400, "invalid_json"),
                Arguments.of(deduct, "\"text\"", 400, "invalid_json"),
                Arguments.of(deduct, "null", 400, "invalid_json"),
                Arguments.of(deduct, "", 400, "invalid_json"),
                Arguments.of(deduct, "{} {}", 400, "invalid_json"),
                Arguments.of(deduct, "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", 400, "invalid_json"),
                Arguments.of(deduct, "{\"userId\": \"" + big + "\"}", 413, "payload_too_large"),
                // refund
                Arguments.of(refund, "{\"reason\": \"x\"}", 400, "invalid_deduction_id"),
                Arguments.of(refund, "{\"deductionId\": 3, \"reason\": \"x\"}", 400, "invalid_deduction_id"),
                Arguments.of(refund, "{\"deductionId\": \"adjustment#x\", \"reason\": \"x\"}", 400, "invalid_deduction_id"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\"}", 400, "invalid_reason"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"  \"}", 400, "invalid_reason"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"amount\": 0}", 400, "invalid_amount"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"amount\": -1}", 400, "invalid_amount"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"amount\": 0.001}", 400, "invalid_amount"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"amount\": 10.01, \"idempotencyKey\": \"r\"}", 400, "refund_exceeds_deduction"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"idempotencyKey\": \"a b\"}", 400, "invalid_idempotency_key"),
                Arguments.of(refund, "{\"deductionId\": \"usage#existing\", \"reason\": \"x\", \"extra\": 1}", 400, "unknown_field"),
                Arguments.of(refund, "{\"deductionId\": \"usage#nope\", \"reason\": \"x\"}", 404, "deduction_not_found"),
                // grant
                Arguments.of(grant, "{\"amount\": 1, \"reason\": \"r\", \"idempotencyKey\": \"g\"}", 400, "invalid_user_id"),
                Arguments.of(grant, "{\"userId\": \"u\", \"reason\": \"r\", \"idempotencyKey\": \"g\"}", 400, "invalid_amount"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": 0, \"reason\": \"r\", \"idempotencyKey\": \"g\"}", 400, "invalid_amount"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": 1.234, \"reason\": \"r\", \"idempotencyKey\": \"g\"}", 400, "invalid_amount"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": -1000000001, \"reason\": \"r\", \"idempotencyKey\": \"g\"}", 400, "invalid_amount"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": 1, \"idempotencyKey\": \"g\"}", 400, "invalid_reason"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": 1, \"reason\": \"r\"}", 400, "invalid_idempotency_key"),
                Arguments.of(grant, "{\"userId\": \"u\", \"amount\": 1, \"reason\": \"r\", \"idempotencyKey\": \"g\", \"operation\": \"x\"}", 400, "unknown_field"));
    }

    private static String body(String user, String amount) {
        return "{\"userId\": \"%s\", \"amount\": %s, \"idempotencyKey\": \"bad-%s\"}".formatted(user, amount, Math.abs(amount.hashCode()));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @MethodSource("badBodies")
    void badBodiesAreRefusedWithAJsonErrorAndChangeNothing(String path, String body, int status, String code) {
        String before = ledgerSnapshot();
        Reply reply = fx.post(path, body);
        assertError(reply, status, code);
        assertEquals(before, ledgerSnapshot(), "a refused request changed the table");
    }

    static Stream<Arguments> authCases() {
        return Stream.of("/api/credits/deduct", "/api/credits/refund", "/api/credits/grant").flatMap(path -> Stream.of(
                Arguments.of(path, "no token", null, 401, "unauthorized"),
                Arguments.of(path, "no subject", Map.of("scope", "credits/write"), 401, "unauthorized"),
                Arguments.of(path, "expired", Map.of("sub", "svc", "scope", "credits/write", "exp", "1000"), 401, "unauthorized"),
                Arguments.of(path, "garbled expiry", Map.of("sub", "svc", "scope", "credits/write", "exp", "soon"), 401, "unauthorized"),
                Arguments.of(path, "user token", Map.of("sub", "alice"), 403, "forbidden"),
                Arguments.of(path, "read scope", Map.of("sub", "svc", "scope", "credits/read"), 403, "forbidden"),
                Arguments.of(path, "scope prefix", Map.of("sub", "svc", "scope", "credits/writer"), 403, "forbidden"),
                // spending and creating are different powers: credits/write cannot grant, credits/grant cannot spend
                path.endsWith("/grant")
                        ? Arguments.of(path, "write scope", Map.of("sub", "svc", "scope", "credits/write"), 403, "forbidden")
                        : Arguments.of(path, "grant scope", Map.of("sub", "svc", "scope", "credits/grant"), 403, "forbidden")));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("authCases")
    void everyWriteRouteChecksTheTokenAndItsScope(String path, String name, Map<String, String> claims, int status, String code) {
        String before = ledgerSnapshot();
        Events.Builder request = Events.request("POST", path)
                .body("{\"userId\": \"" + USER + "\", \"amount\": 1, \"idempotencyKey\": \"auth\", \"reason\": \"r\", \"deductionId\": \"usage#existing\"}");
        if (claims != null) {
            request.claims(claims);
        }
        assertError(fx.call(fx.handler, request.build()), status, code);
        assertEquals(before, ledgerSnapshot());
    }

    @Test
    void scopesAreAcceptedFromTheAuthorizersScopeListOrTheScopeClaim() {
        Reply fromList = fx.call(fx.handler, Events.request("POST", "/api/credits/deduct")
                .claims(Map.of("sub", "svc")).scopes(List.of("openid", "credits/write"))
                .body("{\"userId\": \"" + USER + "\", \"amount\": 1, \"idempotencyKey\": \"scope-list\"}").build());
        assertEquals(200, fromList.status(), fromList.body());
        Reply fromArrayClaim = fx.call(fx.handler, Events.request("POST", "/api/credits/deduct")
                .claims(Map.of("sub", "svc", "scope", "[openid credits/write]"))
                .body("{\"userId\": \"" + USER + "\", \"amount\": 1, \"idempotencyKey\": \"scope-array\"}").build());
        assertEquals(200, fromArrayClaim.status(), fromArrayClaim.body());
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() {
        assertError(fx.call(fx.handler, Events.request("POST", "/api/credits/steal").service("svc", "credits/write").body("{}").build()),
                404, "not_found");
        Reply wrongMethod = fx.call(fx.handler, Events.request("GET", "/api/credits/deduct").service("svc", "credits/write").build());
        assertError(wrongMethod, 405, "method_not_allowed");
        assertEquals("POST", wrongMethod.header("allow"));
    }

    @Test
    void wrongContentTypeIs415AndBase64BodiesAreDecoded() {
        String before = ledgerSnapshot();
        assertError(fx.call(fx.handler, Events.request("POST", "/api/credits/deduct").service("svc", "credits/write")
                .header("content-type", "text/plain").body("{}").build()), 415, "unsupported_media_type");
        assertError(fx.call(fx.handler, Events.request("POST", "/api/credits/deduct").service("svc", "credits/write")
                .base64Body("%%%not-base64").build()), 400, "invalid_body");
        assertEquals(before, ledgerSnapshot());
        String json = "{\"userId\": \"" + USER + "\", \"amount\": 1, \"idempotencyKey\": \"b64\"}";
        Reply ok = fx.call(fx.handler, Events.request("POST", "/api/credits/deduct").service("svc", "credits/write")
                .base64Body(Base64.getEncoder().encodeToString(json.getBytes())).build());
        assertEquals(200, ok.status(), ok.body());
    }

    static void assertError(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/json", reply.header("content-type"));
        JsonNode body = reply.json();
        assertEquals(code, body.get("error").asText(), reply.body());
        assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank());
        assertFalse(reply.body().contains("Exception") || reply.body().contains("at dev.") || reply.body().contains("software.amazon"),
                "no internals in a response: " + reply.body());
    }

    /** Every item in the table, in a stable order: equal before and after means nothing changed. */
    static String ledgerSnapshot() {
        APIGatewayV2HTTPEvent unused = null;
        return fx.dynamo.scan(b -> b.tableName(fx.table).consistentRead(true)).items().stream()
                .map(item -> new java.util.TreeMap<>(item).toString()).sorted().toList().toString();
    }
}
