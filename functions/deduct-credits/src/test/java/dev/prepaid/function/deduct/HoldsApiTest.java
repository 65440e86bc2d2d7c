package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The hold routes through the handler, against DynamoDB Local, with a clock the test moves. */
class HoldsApiTest {
    private DeductFixture fx;
    private MovingClock clock;
    private DeductCreditsHandler handler;
    private DynamoLedgerStore store;

    @BeforeEach
    void setUp() {
        fx = new DeductFixture();
        clock = new MovingClock(Instant.now());
        store = new DynamoLedgerStore(fx.dynamo, fx.table);
        handler = DeductHandlers.of(new CreditService(store, PricingCatalog.defaults(), clock));
    }

    private Reply post(String path, String body) {
        var builder = Events.request("POST", path).service("app-backend", Caller.WRITE_SCOPE);
        if (body != null) {
            builder = builder.body(body);
        }
        return fx.call(handler, builder.build());
    }

    private Reply hold(String user, String amount, String key, int ttl) {
        return post("/api/credits/holds", """
                {"userId": "%s", "amount": %s, "idempotencyKey": "%s", "ttlSeconds": %d}""".formatted(user, amount, key, ttl));
    }

    private Reply capture(String holdId, String body) {
        return post("/api/credits/holds/" + holdId + "/capture", body);
    }

    private Reply release(String holdId) {
        return post("/api/credits/holds/" + holdId + "/release", null);
    }

    private Map<String, AttributeValue> balanceItem(String user) {
        return fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))).item();
    }

    private static BigDecimal dec(JsonNode node, String field) {
        return node.get(field).decimalValue().stripTrailingZeros();
    }

    private static void assertAmount(String expected, JsonNode node, String field) {
        assertEquals(0, new BigDecimal(expected).compareTo(node.get(field).decimalValue()), field + " in " + node);
    }

    @Test
    void aHoldReservesCreditsWithoutAnEntryAndADeductSeesOnlyWhatIsAvailable() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        Reply held = hold(user, "30", "h-" + UUID.randomUUID(), 600);
        assertEquals(200, held.status(), held.body());
        JsonNode body = held.json();
        assertEquals("active", body.get("status").asText());
        assertAmount("100", body, "balance");
        assertAmount("30", body, "held");
        assertAmount("70", body, "available");
        assertTrue(body.get("holdId").asText().startsWith("hold_"));
        assertEquals("3000", balanceItem(user).get("held").n());
        assertEquals("1", balanceItem(user).get("seq").n(), "a hold writes no entry: the version stays");

        Reply refused = fx.call(handler, Events.request("POST", "/api/credits/deduct").service("app-backend",
                Caller.WRITE_SCOPE).body("{\"userId\": \"" + user + "\", \"amount\": 71, \"idempotencyKey\": \"d-"
                + UUID.randomUUID() + "\"}").build());
        assertEquals(402, refused.status(), refused.body());
        assertEquals("insufficient_credits", refused.json().get("error").asText(), refused.body());
        Reply covered = fx.call(handler, Events.request("POST", "/api/credits/deduct").service("app-backend",
                Caller.WRITE_SCOPE).body("{\"userId\": \"" + user + "\", \"amount\": 70, \"idempotencyKey\": \"d-"
                + UUID.randomUUID() + "\"}").build());
        assertEquals(200, covered.status(), covered.body());
        assertAmount("30", covered.json(), "balance");
        Reply second = hold(user, "0.01", "h-" + UUID.randomUUID(), 600);
        assertEquals(402, second.status(), "nothing is available any more: " + second.body());
    }

    @Test
    void captureTakesTheActualCostOnceAndFreesTheRest() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        String holdId = hold(user, "20", "h-" + UUID.randomUUID(), 600).json().get("holdId").asText();
        Reply captured = capture(holdId, "{\"amount\": 12.5}");
        assertEquals(200, captured.status(), captured.body());
        JsonNode body = captured.json();
        assertEquals("captured", body.get("status").asText());
        assertAmount("12.5", body, "capturedAmount");
        assertAmount("7.5", body, "releasedAmount");
        assertAmount("87.5", body, "balance");
        assertFalse(body.get("replayed").asBoolean());
        assertEquals("usage#" + holdId + "#capture", body.get("deductionId").asText());
        assertEquals("0", balanceItem(user).get("held").n());

        Reply again = capture(holdId, "{\"amount\": 12.5}");
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().get("replayed").asBoolean());
        assertAmount("87.5", again.json(), "balance");
        Reply whole = capture(holdId, null);
        assertEquals(200, whole.status(), "a capture retried without an amount replays: " + whole.body());
        Reply other = capture(holdId, "{\"amount\": 13}");
        assertEquals(409, other.status(), other.body());
        assertEquals("hold_captured", other.json().get("error").asText());
        Reply lateRelease = release(holdId);
        assertEquals(409, lateRelease.status(), lateRelease.body());
        assertEquals("hold_captured", lateRelease.json().get("error").asText());
        // the capture is a usage entry: refundable like a deduct
        Reply refund = fx.call(handler, Events.request("POST", "/api/credits/refund").service("app-backend",
                Caller.WRITE_SCOPE).body("{\"deductionId\": \"usage#" + holdId + "#capture\", \"reason\": \"failed\"}").build());
        assertEquals(200, refund.status(), refund.body());
        assertAmount("100", refund.json(), "balance");
    }

    @Test
    void releaseFreesTheHoldOnceAndACaptureAfterItIsAConflict() {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        String holdId = hold(user, "20", "h-" + UUID.randomUUID(), 600).json().get("holdId").asText();
        Reply released = release(holdId);
        assertEquals(200, released.status(), released.body());
        assertEquals("released", released.json().get("status").asText());
        assertFalse(released.json().get("replayed").asBoolean());
        Reply again = post("/api/credits/holds/" + holdId + "/release", "{}");
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().get("replayed").asBoolean());
        assertEquals("0", balanceItem(user).get("held").n());
        assertEquals("5000", balanceItem(user).get("balance").n(), "a release moves no credits");
        Reply late = capture(holdId, null);
        assertEquals(409, late.status(), late.body());
        assertEquals("hold_released", late.json().get("error").asText());
    }

    @Test
    void allowOverTakesMoreThanHeldOnlyFromTheAvailableBalance() {
        String user = DeductFixture.newUser();
        fx.grant(user, "30");
        String holdId = hold(user, "10", "h-" + UUID.randomUUID(), 600).json().get("holdId").asText();
        Reply over = capture(holdId, "{\"amount\": 15}");
        assertEquals(400, over.status(), over.body());
        assertEquals("capture_exceeds_hold", over.json().get("error").asText());
        Reply tooMuch = capture(holdId, "{\"amount\": 30.01, \"allowOver\": true}");
        assertEquals(402, tooMuch.status(), tooMuch.body());
        Reply allowed = capture(holdId, "{\"amount\": 30, \"allowOver\": true}");
        assertEquals(200, allowed.status(), allowed.body());
        assertAmount("0", allowed.json(), "balance");
        assertAmount("0", allowed.json(), "releasedAmount");
        assertEquals("0", balanceItem(user).get("held").n());
    }

    @Test
    void anExpiredHoldReleasesItselfOnTheNextWriteAndCannotBeCaptured() {
        String user = DeductFixture.newUser();
        fx.grant(user, "40");
        String holdId = hold(user, "40", "h-" + UUID.randomUUID(), 60).json().get("holdId").asText();
        clock.advance(Duration.ofSeconds(61));
        Reply deduct = fx.call(handler, Events.request("POST", "/api/credits/deduct").service("app-backend",
                Caller.WRITE_SCOPE).body("{\"userId\": \"" + user + "\", \"amount\": 40, \"idempotencyKey\": \"d-"
                + UUID.randomUUID() + "\"}").build());
        assertEquals(200, deduct.status(), "the expired hold no longer holds: " + deduct.body());
        assertEquals("0", balanceItem(user).get("held").n());
        Reply late = capture(holdId, null);
        assertEquals(409, late.status(), late.body());
        assertEquals("hold_expired", late.json().get("error").asText());
        Reply release = release(holdId);
        assertEquals(200, release.status(), release.body());
        assertEquals("expired", release.json().get("status").asText());
    }

    @Test
    void aCaptureAfterExpiryIsAConflictAndFreesTheHoldExactlyOnce() {
        String user = DeductFixture.newUser();
        fx.grant(user, "40");
        String holdId = hold(user, "25", "h-" + UUID.randomUUID(), 30).json().get("holdId").asText();
        clock.advance(Duration.ofSeconds(30));
        Reply late = capture(holdId, null);
        assertEquals(409, late.status(), late.body());
        assertEquals("hold_expired", late.json().get("error").asText());
        assertEquals("0", balanceItem(user).get("held").n());
        Reply again = capture(holdId, null);
        assertEquals(409, again.status());
        assertEquals("0", balanceItem(user).get("held").n(), "held is corrected once");
        assertEquals("4000", balanceItem(user).get("balance").n());
    }

    @Test
    void aHoldRetriedReplaysAndAnotherAmountUnderTheSameKeyIsRefused() {
        String user = DeductFixture.newUser();
        fx.grant(user, "40");
        String key = "h-" + UUID.randomUUID();
        Reply first = hold(user, "10", key, 600);
        Reply again = hold(user, "10", key, 600);
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().get("replayed").asBoolean());
        assertEquals(first.json().get("holdId"), again.json().get("holdId"));
        assertEquals("1000", balanceItem(user).get("held").n(), "held once");
        Reply other = hold(user, "11", key, 600);
        assertEquals(409, other.status(), other.body());
        // priced by the catalog, like a deduct
        Reply priced = post("/api/credits/holds", """
                {"userId": "%s", "operation": "chat_completion", "params": {"input_tokens": 1000, "output_tokens": 1000}, "idempotencyKey": "op-%s"}"""
                .formatted(user, UUID.randomUUID()));
        assertTrue(priced.status() == 200 || priced.status() == 400, priced.body());
    }

    @Test
    void badInputIsA4xxAndChangesNothing() {
        String user = DeductFixture.newUser();
        fx.grant(user, "40");
        for (String body : List.of("{}", "{\"userId\": \"" + user + "\", \"amount\": 1}",
                "{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"k\", \"ttlSeconds\": 0}",
                "{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"k\", \"ttlSeconds\": 1.5}",
                "{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"k\", \"ttlSeconds\": 86401}",
                "{\"userId\": \"" + user + "\", \"amount\": -1, \"idempotencyKey\": \"k\"}",
                "{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"k\", \"extra\": 1}")) {
            Reply reply = post("/api/credits/holds", body);
            assertEquals(400, reply.status(), body + " -> " + reply.body());
        }
        assertEquals(404, capture("hold_nope", null).status());
        assertEquals(404, release("hold_AAAAAAAAAAAAAAAAAAAAAA").status());
        assertEquals(400, capture("hold_AAAAAAAAAAAAAAAAAAAAAA", "{\"amount\": \"x\"}").status());
        assertEquals(400, capture("hold_AAAAAAAAAAAAAAAAAAAAAA", "{\"allowOver\": 3}").status());
        assertFalse(balanceItem(user).containsKey("held"), "nothing was held");
    }

    @Test
    void roundTrips() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        fx.deduct(user, "1", "warm-" + UUID.randomUUID()); // not this store's cache: warm it on ours
        hold(user, "1", "warm-" + UUID.randomUUID(), 600);
        fx.calls.reset();
        String holdId = hold(user, "10", "h-" + UUID.randomUUID(), 600).json().get("holdId").asText();
        assertEquals(List.of("TransactWriteItems"), fx.calls.calls(), "a hold with the balance version known");
        fx.calls.reset();
        capture(holdId, "{\"amount\": 5}");
        assertEquals(List.of("GetItem", "TransactWriteItems"), fx.calls.calls(), "a capture reads its hold");
        String other = hold(user, "10", "h-" + UUID.randomUUID(), 600).json().get("holdId").asText();
        fx.calls.reset();
        release(other);
        assertEquals(List.of("GetItem", "TransactWriteItems"), fx.calls.calls(), "a release reads its hold");
        fx.calls.reset();
        Reply d = fx.call(handler, Events.request("POST", "/api/credits/deduct").service("app-backend",
                Caller.WRITE_SCOPE).body("{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"d-"
                + UUID.randomUUID() + "\"}").build());
        assertEquals(200, d.status(), d.body());
        assertEquals(List.of("TransactWriteItems"), fx.calls.calls(), "a deduct with holds about stays 1 round trip");
    }
}
