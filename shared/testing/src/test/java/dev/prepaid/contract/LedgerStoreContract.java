package dev.prepaid.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import dev.prepaid.adapter.out.sqs.SqsEventQueue;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.testing.TestClients;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the ledger store and the queue promise, written once and run against every engine we have: the
 * in-process DynamoDB Local and ElasticMQ everywhere, LocalStack where Docker runs. Real conditions,
 * transactions and cancellation reasons, no mocks.
 */
abstract class LedgerStoreContract {
    DynamoDbClient dynamo;
    DynamoLedgerStore store;
    String table;

    abstract URI dynamoEndpoint();

    abstract URI sqsEndpoint();

    @BeforeEach
    void setUp() {
        if (dynamo == null) {
            dynamo = TestClients.dynamo(dynamoEndpoint());
            table = TestClients.createLedgerTable(dynamo);
        }
        store = new DynamoLedgerStore(dynamo, table);
    }

    private static Posting posting(UserId user, String entryId, long hundredths, BalanceRule rule, String fingerprint) {
        return new Posting(user, entryId, hundredths < 0 ? EntryType.USAGE : EntryType.ADJUSTMENT,
                Credits.ofHundredths(hundredths), rule, entryId, fingerprint, null, null, Map.of(), Instant.now(),
                Optional.empty());
    }

    private static UserId user() {
        return new UserId("contract-" + UUID.randomUUID());
    }

    @Test
    void postingsChainBalancesAndVersions() {
        UserId user = user();
        PostingResult first = store.post(posting(user, "adjustment#" + UUID.randomUUID(), 1000, BalanceRule.ALLOW_NEGATIVE, "a"));
        PostingResult second = store.post(posting(user, "usage#" + UUID.randomUUID(), -250, BalanceRule.REQUIRE_FUNDS, "b"));
        assertEquals(1, first.entry().sequence());
        assertEquals(2, second.entry().sequence());
        assertEquals(Credits.ofHundredths(750), second.entry().balanceAfter());
        assertEquals(Credits.ofHundredths(750), store.balance(user).orElseThrow().credits());
    }

    @Test
    void aRepeatedPostingReplaysFromAnotherInstanceAndADifferentOneConflicts() {
        UserId user = user();
        String id = "usage#" + UUID.randomUUID();
        store.post(posting(user, "adjustment#" + UUID.randomUUID(), 500, BalanceRule.ALLOW_NEGATIVE, "fund"));
        PostingResult original = store.post(posting(user, id, -100, BalanceRule.REQUIRE_FUNDS, "same"));
        PostingResult replay = new DynamoLedgerStore(dynamo, table).post(posting(user, id, -100, BalanceRule.REQUIRE_FUNDS, "same"));
        assertTrue(replay.replayed());
        assertEquals(original.entry(), replay.entry());
        assertThrows(IdempotencyKeyReusedException.class,
                () -> store.post(posting(user, id, -200, BalanceRule.REQUIRE_FUNDS, "other")));
        assertEquals(Credits.ofHundredths(400), store.balance(user).orElseThrow().credits());
    }

    @Test
    void aDebitTheBalanceCannotCoverIsRefused() {
        UserId user = user();
        store.post(posting(user, "adjustment#" + UUID.randomUUID(), 100, BalanceRule.ALLOW_NEGATIVE, "fund"));
        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> store.post(posting(user, "usage#" + UUID.randomUUID(), -101, BalanceRule.REQUIRE_FUNDS, "x")));
        assertEquals(Credits.ofHundredths(100), e.balance());
    }

    @Test
    void aCounterNeverPassesItsLimit() {
        UserId user = user();
        String counter = "refunded#" + UUID.randomUUID();
        Credits limit = Credits.ofHundredths(500);
        for (int i = 0; i < 2; i++) {
            store.post(new Posting(user, "usage_refund#" + UUID.randomUUID(), EntryType.USAGE_REFUND,
                    Credits.ofHundredths(200), BalanceRule.ALLOW_NEGATIVE, null, "r" + i, null, null, Map.of(),
                    Instant.now(), Optional.of(new LimitCounter(counter, Credits.ofHundredths(200), limit, "refund_exceeds_deduction"))));
        }
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> store.post(new Posting(user,
                "usage_refund#" + UUID.randomUUID(), EntryType.USAGE_REFUND, Credits.ofHundredths(200),
                BalanceRule.ALLOW_NEGATIVE, null, "r3", null, null, Map.of(), Instant.now(),
                Optional.of(new LimitCounter(counter, Credits.ofHundredths(200), limit, "refund_exceeds_deduction")))));
        assertEquals(Credits.ofHundredths(400), e.alreadyUsed());
        assertEquals(Credits.ofHundredths(400), store.balance(user).orElseThrow().credits());
    }

    @Test
    void aReleaseLowersItsCounterWithThePostingAndNeverBelowZero() {
        UserId user = user();
        String counter = "clawed#purchase#" + UUID.randomUUID();
        Credits limit = Credits.ofHundredths(500);
        store.post(new Posting(user, "clawback#" + UUID.randomUUID(), EntryType.CLAWBACK, Credits.ofHundredths(-500),
                BalanceRule.ALLOW_NEGATIVE, null, "c1", null, null, Map.of(), Instant.now(),
                Optional.of(new LimitCounter(counter, Credits.ofHundredths(500), limit, "clawback_exceeds_grant"))));
        store.post(new Posting(user, "clawback_reversal#" + UUID.randomUUID(), EntryType.CLAWBACK_REVERSAL,
                Credits.ofHundredths(300), BalanceRule.ALLOW_NEGATIVE, null, "r1", null, null, Map.of(), Instant.now(),
                Optional.of(LimitCounter.release(counter, Credits.ofHundredths(300), "release_exceeds_total"))));
        // 200 left counted: 300 more fit, 301 do not
        LimitExceededException tooMuch = assertThrows(LimitExceededException.class, () -> store.post(new Posting(user,
                "clawback#" + UUID.randomUUID(), EntryType.CLAWBACK, Credits.ofHundredths(-301), BalanceRule.ALLOW_NEGATIVE,
                null, "c2", null, null, Map.of(), Instant.now(),
                Optional.of(new LimitCounter(counter, Credits.ofHundredths(301), limit, "clawback_exceeds_grant")))));
        assertEquals(Credits.ofHundredths(200), tooMuch.alreadyUsed());
        // a release beyond the total is refused, and with it the whole posting
        LimitExceededException below = assertThrows(LimitExceededException.class, () -> store.post(new Posting(user,
                "clawback_reversal#" + UUID.randomUUID(), EntryType.CLAWBACK_REVERSAL, Credits.ofHundredths(201),
                BalanceRule.ALLOW_NEGATIVE, null, "r2", null, null, Map.of(), Instant.now(),
                Optional.of(LimitCounter.release(counter, Credits.ofHundredths(201), "release_exceeds_total")))));
        assertEquals("release_exceeds_total", below.code());
        assertEquals(Credits.ofHundredths(200), below.alreadyUsed());
        assertEquals(Credits.ofHundredths(-200), store.balance(user).orElseThrow().credits());
        store.post(new Posting(user, "clawback#" + UUID.randomUUID(), EntryType.CLAWBACK, Credits.ofHundredths(-300),
                BalanceRule.ALLOW_NEGATIVE, null, "c3", null, null, Map.of(), Instant.now(),
                Optional.of(new LimitCounter(counter, Credits.ofHundredths(300), limit, "clawback_exceeds_grant"))));
        assertEquals(Credits.ofHundredths(-500), store.balance(user).orElseThrow().credits());
    }

    @Test
    void theQueueCarriesPaymentEventsIntact() {
        SqsClient sqs = TestClients.sqs(sqsEndpoint());
        String url = sqs.createQueue(b -> b.queueName("contract-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
        PaymentEvent.PaymentRefunded event = new PaymentEvent.PaymentRefunded("stripe", "evt_1", "charge.refunded",
                "re_1", "pi_1", new Money(395, "usd"));
        new SqsEventQueue(sqs, url).enqueue(event);
        String body = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages().get(0).body();
        assertEquals(event, PaymentEventJson.read(body));
    }
}
