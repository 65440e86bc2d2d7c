package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Many callers on one balance at once, through several handler instances (as Lambda would run them),
 * against DynamoDB Local. Seeded, so a failure reproduces.
 */
class DeductConcurrencyTest {
    static DeductFixture fx;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        fx = new DeductFixture();
        pool = Executors.newFixedThreadPool(64);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void sixtyFourThreadsNeverOverdrawAndTheLedgerAddsUp() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "1000");
        // 16 instances (each a Lambda execution environment with its own cache) shared by 64 threads.
        List<DeductCreditsHandler> instances = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            instances.add(fx.newHandler());
        }
        Random seeds = new Random(20261122L);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Reply>>> futures = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
            long seed = seeds.nextLong();
            DeductCreditsHandler instance = instances.get(t % instances.size());
            int thread = t;
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                List<Reply> replies = new ArrayList<>();
                go.await();
                for (int i = 0; i < 6; i++) {
                    // amounts from 0.01 to 60.00
                    String amount = BigDecimal.valueOf(1 + random.nextInt(6000), 2).toPlainString();
                    var request = Events.request("POST", "/api/credits/deduct")
                            .service("app-backend", "credits/write")
                            .body("{\"userId\": \"%s\", \"amount\": %s, \"idempotencyKey\": \"t%d-%d\"}"
                                    .formatted(user, amount, thread, i)).build();
                    // 503 contention (the handler's own retries lost every race: likely on a loaded machine) is
                    // answered as the API asks: the same request again, with the same idempotency key.
                    Reply reply = fx.call(instance, request);
                    for (int attempt = 0; reply.status() == 503 && attempt < 20; attempt++) {
                        assertTrue(reply.body().contains("\"contention\""), reply.body());
                        Thread.sleep(5 + random.nextInt(20));
                        reply = fx.call(instance, request);
                    }
                    replies.add(reply);
                }
                return replies;
            }));
        }
        go.countDown();
        long acceptedHundredths = 0;
        int accepted = 0;
        int refused = 0;
        for (Future<List<Reply>> future : futures) {
            for (Reply reply : future.get(120, TimeUnit.SECONDS)) {
                if (reply.status() == 200) {
                    accepted++;
                    acceptedHundredths += reply.json().get("amount").decimalValue().movePointRight(2).longValueExact();
                    assertTrue(reply.json().get("balance").decimalValue().signum() >= 0, reply.body());
                } else {
                    assertEquals(402, reply.status(), reply.body());
                    refused++;
                }
            }
        }
        List<Map<String, AttributeValue>> entries = ledger(user);
        long ledgerSum = entries.stream().mapToLong(e -> Long.parseLong(e.get("amount").n())).sum();
        long finalBalance = balanceHundredths(user);
        assertTrue(finalBalance >= 0);
        assertEquals(100_000 - finalBalance, acceptedHundredths, "accepted deductions = 1000 - final balance");
        assertEquals(finalBalance, ledgerSum, "the ledger sums to the balance");
        assertEquals(accepted + 1, entries.size(), "one entry per accepted deduct, plus the grant");
        assertTrue(accepted > 0 && refused > 0, "the run must both drain the balance and be refused: " + accepted + "/" + refused);
        assertChainIsExact(entries);
    }

    @Test
    void sixteenIdenticalRequestsAtOnceWriteOneEntryAndGiveSixteenIdenticalAnswers() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        List<DeductCreditsHandler> instances = List.of(fx.handler, fx.newHandler());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            DeductCreditsHandler instance = instances.get(t % 2);
            futures.add(pool.submit(() -> {
                go.await();
                return fx.call(instance, Events.request("POST", "/api/credits/deduct")
                        .service("app-backend", "credits/write")
                        .body("{\"userId\": \"%s\", \"operation\": \"video_generation\", \"idempotencyKey\": \"same-key\"}"
                                .formatted(user)).build());
            }));
        }
        go.countDown();
        Set<String> answers = new HashSet<>();
        int fresh = 0;
        for (Future<Reply> future : futures) {
            Reply reply = future.get(60, TimeUnit.SECONDS);
            assertEquals(200, reply.status(), reply.body());
            JsonNode body = reply.json().deepCopy();
            if (!body.get("replayed").asBoolean()) {
                fresh++;
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).remove("replayed");
            answers.add(body.toString());
        }
        assertEquals(1, fresh, "exactly one request applied the deduct");
        assertEquals(1, answers.size(), "all 16 answers are identical: " + answers);
        assertEquals(2, ledger(user).size(), "the grant and one usage entry");
        assertEquals(8000, balanceHundredths(user));
    }

    @Test
    void concurrentRetriesOfOneRefundCreditItOnce() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        fx.deduct(user, "20", "render-1");
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Reply>> tasks = new ArrayList<>();
        List<DeductCreditsHandler> instances = List.of(fx.handler, fx.newHandler(), fx.newHandler());
        for (int t = 0; t < 12; t++) {
            DeductCreditsHandler instance = instances.get(t % instances.size());
            tasks.add(() -> {
                go.await();
                return fx.call(instance, Events.request("POST", "/api/credits/refund")
                        .service("app-backend", "credits/write")
                        .body("{\"deductionId\": \"usage#render-1\", \"reason\": \"gpu crashed\"}").build());
            });
        }
        List<Future<Reply>> futures = new ArrayList<>();
        tasks.forEach(task -> futures.add(pool.submit(task)));
        go.countDown();
        int applied = 0;
        for (Future<Reply> future : futures) {
            Reply reply = future.get(60, TimeUnit.SECONDS);
            assertEquals(200, reply.status(), reply.body());
            if (!reply.json().get("replayed").asBoolean()) {
                applied++;
            }
            assertEquals(0, new BigDecimal("50").compareTo(reply.json().get("balance").decimalValue()));
        }
        assertEquals(1, applied);
        assertEquals(5000, balanceHundredths(user));
        assertEquals(3, ledger(user).size());
    }

    @Test
    void concurrentDistinctPartialRefundsNeverAddUpToMoreThanTheDeduction() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "50");
        fx.deduct(user, "20", "batch-1");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> futures = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            int n = t;
            futures.add(pool.submit(() -> {
                go.await();
                return fx.call(fx.newHandler(), Events.request("POST", "/api/credits/refund")
                        .service("app-backend", "credits/write")
                        .body("{\"deductionId\": \"usage#batch-1\", \"reason\": \"item failed\", \"amount\": 3, \"idempotencyKey\": \"item-%d\"}"
                                .formatted(n)).build());
            }));
        }
        go.countDown();
        int applied = 0;
        for (Future<Reply> future : futures) {
            Reply reply = future.get(60, TimeUnit.SECONDS);
            if (reply.status() == 200) {
                applied++;
            } else {
                assertEquals(400, reply.status(), reply.body());
                assertEquals("refund_exceeds_deduction", reply.json().get("error").asText());
            }
        }
        assertEquals(6, applied, "6 x 3 = 18 fits in 20, a seventh would not");
        assertEquals(3000 + 1800, balanceHundredths(user));
    }

    /** Each entry's balance-after is the previous one plus its amount: the ledger is a chain. */
    private static void assertChainIsExact(List<Map<String, AttributeValue>> entries) {
        long previous = 0;
        long expectedSeq = 1;
        for (Map<String, AttributeValue> e : entries) {
            assertEquals(expectedSeq++, Long.parseLong(e.get("seq").n()));
            long amount = Long.parseLong(e.get("amount").n());
            long after = Long.parseLong(e.get("balanceAfter").n());
            assertEquals(previous + amount, after, "chain broken at " + e.get("entryId").s());
            assertFalse(after < 0 && amount < 0, "a debit left a negative balance");
            previous = after;
        }
    }

    private static List<Map<String, AttributeValue>> ledger(String user) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(fx.table).indexName("gsi1")
                    .keyConditionExpression("gsi1pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + user + "#LEDGER")));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse response = fx.dynamo.query(q.build());
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static long balanceHundredths(String user) {
        return Long.parseLong(fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE"))))
                .item().get("balance").n());
    }
}
