package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The write routes end to end through the handler, against DynamoDB Local. */
class DeductCreditsApiTest {
    static DeductFixture fx;

    @BeforeAll
    static void start() {
        fx = new DeductFixture();
    }

    private static void assertCredits(String expected, JsonNode value) {
        assertEquals(0, new BigDecimal(expected).compareTo(value.decimalValue()), () -> "expected " + expected + " but was " + value);
    }

    @Test
    void deductsAFixedAmountAndReportsTheBalanceAfter() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        Reply reply = fx.deduct(user, "20.5", "gen-1");
        assertEquals(200, reply.status(), reply.body());
        JsonNode body = reply.json();
        assertEquals("usage#gen-1", body.get("deductionId").asText());
        assertEquals(user, body.get("userId").asText());
        assertCredits("20.5", body.get("amount"));
        assertCredits("79.5", body.get("balance"));
        assertFalse(body.get("replayed").asBoolean());
        assertFalse(body.has("price"));
    }

    @Test
    void pricesAnOperationFromTheCatalogAndShowsThePriceApplied() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        Reply reply = fx.post("/api/credits/deduct", """
                {"userId": "%s", "operation": "video", "params": {"durationSeconds": 8},
                 "idempotencyKey": "vid-1", "description": "8 s clip", "metadata": {"jobId": "j-1"}}""".formatted(user));
        assertEquals(200, reply.status(), reply.body());
        JsonNode body = reply.json();
        assertCredits("10", body.get("amount"));
        assertCredits("90", body.get("balance"));
        assertEquals("video", body.get("price").get("operation").asText());
        assertCredits("10", body.get("price").get("amount"));
        assertTrue(body.get("price").get("breakdown").asText().contains("durationSeconds > 5"), body.toString());

        Reply flat = fx.post("/api/credits/deduct", """
                {"userId": "%s", "operation": "video_generation", "idempotencyKey": "vg-1"}""".formatted(user));
        assertCredits("20", flat.json().get("amount"));
        assertCredits("70", flat.json().get("balance"));
    }

    @Test
    void aRetryReplaysTheFirstResultAndChangesNothing() {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        JsonNode first = fx.deduct(user, "20", "retry-me").json();
        fx.deduct(user, "5", "another");
        Reply again = fx.deduct(user, "20", "retry-me");
        assertEquals(200, again.status());
        assertEquals(first.get("deductionId"), again.json().get("deductionId"));
        assertEquals(first.get("balance"), again.json().get("balance"));
        assertTrue(again.json().get("replayed").asBoolean());
        // From another instance, with nothing cached: still a replay.
        Reply fromColdInstance = fx.call(fx.newHandler(), dev.prepaid.testing.Events.request("POST", "/api/credits/deduct")
                .service("app-backend", "credits/write")
                .body("{\"userId\": \"%s\", \"amount\": 20, \"idempotencyKey\": \"retry-me\"}".formatted(user)).build());
        assertTrue(fromColdInstance.json().get("replayed").asBoolean());
        assertCredits("30", fromColdInstance.json().get("balance"));
        assertCredits("25", balanceOf(user));
    }

    @Test
    void aReplayIsNotRefusedForWantOfCreditsSpentSince() {
        String user = DeductFixture.newUser();
        fx.grant(user, "20");
        fx.deduct(user, "20", "all-of-it");
        Reply retry = fx.call(fx.newHandler(), dev.prepaid.testing.Events.request("POST", "/api/credits/deduct")
                .service("app-backend", "credits/write")
                .body("{\"userId\": \"%s\", \"amount\": 20, \"idempotencyKey\": \"all-of-it\"}".formatted(user)).build());
        assertEquals(200, retry.status(), retry.body());
        assertTrue(retry.json().get("replayed").asBoolean());
    }

    @Test
    void theSameKeyWithOtherParametersIsAConflict() {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        fx.deduct(user, "10", "k-1");
        Reply reused = fx.deduct(user, "11", "k-1");
        assertEquals(409, reused.status());
        assertEquals("idempotency_key_reused", reused.json().get("error").asText());
        Reply otherUser = fx.deduct(DeductFixture.newUser(), "10", "k-1");
        assertEquals(409, otherUser.status());
        assertCredits("40", balanceOf(user));
    }

    @Test
    void insufficientCreditsIs402WithBalanceAndRequired() {
        String user = DeductFixture.newUser();
        fx.grant(user, "15");
        Reply reply = fx.deduct(user, "20", "too-much");
        assertEquals(402, reply.status());
        assertEquals("insufficient_credits", reply.json().get("error").asText());
        assertCredits("15", reply.json().get("balance"));
        assertCredits("20", reply.json().get("required"));
        Reply unknownUser = fx.deduct(DeductFixture.newUser(), "1", "nobody");
        assertEquals(402, unknownUser.status());
        assertCredits("0", unknownUser.json().get("balance"));
    }

    @Test
    void aNegativeBalanceBlocksDeducts() {
        String user = DeductFixture.newUser();
        fx.grant(user, "10");
        Reply debt = fx.post("/api/credits/grant", """
                {"userId": "%s", "amount": -25, "reason": "chargeback correction", "idempotencyKey": "adj-neg"}""".formatted(user));
        assertEquals(200, debt.status(), debt.body());
        assertCredits("-15", debt.json().get("balance"));
        Reply blocked = fx.deduct(user, "0.01", "small");
        assertEquals(402, blocked.status());
        assertCredits("-15", blocked.json().get("balance"));
    }

    @Test
    void refundsGiveBackAtMostWhatWasDeductedEachExactlyOnce() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        fx.deduct(user, "20", "job-1");
        Reply partial = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-1", "reason": "frame 3 failed", "amount": 5, "idempotencyKey": "r-1"}""");
        assertEquals(200, partial.status(), partial.body());
        assertCredits("85", partial.json().get("balance"));
        assertEquals("usage#job-1", partial.json().get("deductionId").asText());
        Reply replay = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-1", "reason": "frame 3 failed", "amount": 5, "idempotencyKey": "r-1"}""");
        assertTrue(replay.json().get("replayed").asBoolean());
        assertCredits("85", replay.json().get("balance"));
        Reply tooMuch = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-1", "reason": "all failed", "amount": 15.01, "idempotencyKey": "r-2"}""");
        assertEquals(400, tooMuch.status());
        assertEquals("refund_exceeds_deduction", tooMuch.json().get("error").asText());
        assertCredits("5", tooMuch.json().get("alreadyUsed"));
        Reply rest = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-1", "reason": "all failed", "amount": 15, "idempotencyKey": "r-2"}""");
        assertEquals(200, rest.status(), rest.body());
        assertCredits("100", balanceOf(user));
        Reply unknown = fx.post("/api/credits/refund", """
                {"deductionId": "usage#never-happened", "reason": "x"}""");
        assertEquals(404, unknown.status());
        assertEquals("deduction_not_found", unknown.json().get("error").asText());
    }

    @Test
    void aFullRefundWithoutKeyHappensOnce() {
        String user = DeductFixture.newUser();
        fx.grant(user, "30");
        fx.deduct(user, "30", "job-full");
        for (int i = 0; i < 3; i++) {
            Reply r = fx.post("/api/credits/refund", """
                    {"deductionId": "usage#job-full", "reason": "render failed"}""");
            assertEquals(200, r.status(), r.body());
            assertCredits("30", r.json().get("amount"));
            assertEquals(i > 0, r.json().get("replayed").asBoolean());
        }
        assertCredits("30", balanceOf(user));
    }

    @Test
    void aWarmDeductIsExactlyOneDynamoDbRoundTrip() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100"); // this instance now knows the user's balance version
        fx.calls.reset();
        assertEquals(200, fx.deduct(user, "1", "one-trip").status());
        assertEquals(List.of("TransactWriteItems"), fx.calls.calls());

        fx.calls.reset();
        assertTrue(fx.deduct(user, "1", "one-trip").json().get("replayed").asBoolean());
        assertEquals(List.of("TransactWriteItems"), fx.calls.calls(), "a replay is answered from the cancellation reason");

        fx.calls.reset();
        assertEquals(200, fx.deduct(user, "1", "one-trip-2").status());
        assertEquals(List.of("TransactWriteItems"), fx.calls.calls());
    }

    @Test
    void aColdDeductReadsTheBalanceVersionOnceThenWrites() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        DeductCreditsHandler cold = fx.newHandler();
        fx.calls.reset();
        Reply reply = fx.call(cold, dev.prepaid.testing.Events.request("POST", "/api/credits/deduct")
                .service("app-backend", "credits/write")
                .body("{\"userId\": \"%s\", \"amount\": 1, \"idempotencyKey\": \"cold-1\"}".formatted(user)).build());
        assertEquals(200, reply.status());
        assertEquals(List.of("GetItem", "TransactWriteItems"), fx.calls.calls());
    }

    @Test
    void aStaleCachedVersionCostsOneRetryNotAWrongBalance() {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        DeductCreditsHandler other = fx.newHandler();
        // The other instance moves the balance; ours still caches the old version.
        fx.call(other, dev.prepaid.testing.Events.request("POST", "/api/credits/deduct")
                .service("app-backend", "credits/write")
                .body("{\"userId\": \"%s\", \"amount\": 30, \"idempotencyKey\": \"elsewhere\"}".formatted(user)).build());
        fx.calls.reset();
        Reply reply = fx.deduct(user, "10", "here");
        assertCredits("60", reply.json().get("balance"));
        assertEquals(List.of("TransactWriteItems", "TransactWriteItems"), fx.calls.calls());
    }

    private static JsonNode balanceOf(String user) {
        // A zero-amount probe is refused, so read the balance the way the ledger sees it: a replayed grant.
        Reply probe = fx.post("/api/credits/grant", """
                {"userId": "%s", "amount": 0.01, "reason": "probe", "idempotencyKey": "probe-%s"}""".formatted(user, user));
        Reply undo = fx.post("/api/credits/grant", """
                {"userId": "%s", "amount": -0.01, "reason": "probe undo", "idempotencyKey": "unprobe-%s-%s"}"""
                .formatted(user, user, probe.json().get("balance").asText()));
        return undo.json().get("balance");
    }
}
