package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.UserId;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identifiers as they reach DynamoDB (issue 10 item 8): one user however their id is spelled in Unicode, no id the
 * store cannot encode, and a keyless refund no client key can land on, on DynamoDB Local.
 */
class IdentifierSpellingTest {
    static DeductFixture fx;

    @BeforeAll
    static void start() {
        fx = new DeductFixture();
    }

    @Test
    void nfdAndNfcSpellingsOfAUserIdShareOneBalance() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String nfd = "zoe\u0301-" + tag; // e + combining acute
        String nfc = "zo\u00E9-" + tag;  // precomposed
        Reply granted = fx.grant(nfd, "30");
        assertEquals(nfc, granted.json().get("userId").asText(), "stored and answered in NFC");
        Reply spent = fx.deduct(nfc, "10", "nfc-" + tag);
        assertEquals(200, spent.status(), spent.body());
        assertCredits("20", spent.json().get("balance"));
        Reply again = fx.deduct(nfd, "5", "nfd-" + tag);
        assertCredits("15", again.json().get("balance"));
        assertCredits("15", new DynamoLedgerStore(fx.dynamo, fx.table).balance(new UserId(nfd)).orElseThrow()
                .credits().toBigDecimal());
    }

    @Test
    void unpairedSurrogatesInUserIdsAndKeysAreRefusedAndChangeNothing() {
        String before = snapshot();
        // As an attacker sends them: JSON escapes of half a surrogate pair. Before the fix "a"+U+D800 and "a"+U+DC00
        // were both stored as "a?", one balance for two users.
        for (String body : new String[] {
                "{\"userId\": \"a\\ud800\", \"amount\": 1, \"idempotencyKey\": \"s-1\"}",
                "{\"userId\": \"\\udc00b\", \"amount\": 1, \"idempotencyKey\": \"s-2\"}",
                "{\"userId\": \"ok-user\", \"amount\": 1, \"idempotencyKey\": \"k\\ud83d\"}"}) {
            Reply reply = fx.deduct(body);
            assertEquals(400, reply.status(), reply.body());
            String code = reply.json().get("error").asText();
            assertTrue(code.equals("invalid_user_id") || code.equals("invalid_idempotency_key"), reply.body());
            assertTrue(reply.json().get("message").asText().contains("unpaired surrogate"), reply.body());
        }
        Reply grant = fx.post("/api/credits/grant",
                "{\"userId\": \"a\\udbff\", \"amount\": 1, \"reason\": \"r\", \"idempotencyKey\": \"s-3\"}");
        assertEquals(400, grant.status(), grant.body());
        assertEquals("invalid_user_id", grant.json().get("error").asText());
        assertEquals(before, snapshot(), "a refused request changed the table");
    }

    @Test
    void aRefundKeyedDashDoesNotBlockTheKeylessRefund() {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        fx.deduct(user, "20", "job-dash");
        Reply dash = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-dash", "reason": "one frame", "amount": 5, "idempotencyKey": "-"}""");
        assertEquals(200, dash.status(), dash.body());
        Reply keyless = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-dash", "reason": "the rest", "amount": 15}""");
        assertEquals(200, keyless.status(), keyless.body()); // before the fix: 409 idempotency_key_reused
        assertFalse(keyless.json().get("replayed").asBoolean());
        assertNotEquals(dash.json().get("refundId").asText(), keyless.json().get("refundId").asText());
        assertEquals("usage_refund#usage#job-dash#", keyless.json().get("refundId").asText());
        assertCredits("50", keyless.json().get("balance"));
    }

    @Test
    void aKeylessRefundStoredUnderTheLegacyIdIsReplayedNotPaidTwice() {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        fx.deduct(user, "20", "job-legacy");
        // The keyless full refund as the previous version wrote it: entry usage_refund#usage#job-legacy#-, no key,
        // the refunded counter at the whole deduction.
        new DynamoLedgerStore(fx.dynamo, fx.table).post(new Posting(new UserId(user), "usage_refund#usage#job-legacy#-",
                EntryType.USAGE_REFUND, Credits.of(20), BalanceRule.ALLOW_NEGATIVE, null,
                Fingerprint.of("usage_refund", "usage#job-legacy", 2000L, null), "render failed", null,
                Map.of("_reason", "render failed"), Instant.now(),
                Optional.of(new LimitCounter("refunded#usage#job-legacy", Credits.of(20), Credits.of(20),
                        "refund_exceeds_deduction"))));

        Reply retry = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-legacy", "reason": "render failed"}""");
        assertEquals(200, retry.status(), retry.body());
        assertTrue(retry.json().get("replayed").asBoolean(), retry.body());
        assertEquals("usage_refund#usage#job-legacy#-", retry.json().get("refundId").asText());
        assertCredits("50", retry.json().get("balance"));
        Reply other = fx.post("/api/credits/refund", """
                {"deductionId": "usage#job-legacy", "reason": "render failed", "amount": 1}""");
        assertEquals(409, other.status(), other.body());
        assertEquals("idempotency_key_reused", other.json().get("error").asText());
    }

    private static void assertCredits(String expected, Object value) {
        BigDecimal actual = value instanceof JsonNode node ? node.decimalValue() : (BigDecimal) value;
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " but was " + value);
    }

    private static String snapshot() {
        return fx.dynamo.scan(b -> b.tableName(fx.table).consistentRead(true)).items().stream()
                .map(item -> new java.util.TreeMap<>(item).toString()).sorted().toList().toString();
    }
}
