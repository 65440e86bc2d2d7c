package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Holds under racing threads against DynamoDB Local, each racer its own "Lambda instance" (store and cache):
 * capture vs release vs expiry of one hold (exactly one wins, the others answer from the winner), holds and
 * deducts racing for one balance (never more taken or held than it has), one key created many times at once.
 */
class HoldRaceTest {
    private static DeductFixture fx;
    private static ExecutorService pool;
    private static final Instant T0 = Instant.now();

    @BeforeAll
    static void setUp() {
        fx = new DeductFixture();
        pool = Executors.newFixedThreadPool(12);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static DeductCreditsHandler instance(Instant at) {
        return DeductHandlers.of(new CreditService(new DynamoLedgerStore(fx.dynamo, fx.table),
                PricingCatalog.defaults(), new MovingClock(at)));
    }

    private static Reply post(DeductCreditsHandler handler, String path, String body) {
        var request = Events.request("POST", path).service("app-backend", Caller.WRITE_SCOPE);
        return fx.call(handler, (body == null ? request : request.body(body)).build());
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        return fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }

    @Test
    void captureReleaseAndExpiryRaceAndExactlyOneWins() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "1000");
        DeductCreditsHandler creator = instance(T0);
        int holds = 20;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < holds; i++) {
            Reply r = post(creator, "/api/credits/holds", """
                    {"userId": "%s", "amount": 10, "idempotencyKey": "race-%s", "ttlSeconds": 60}"""
                    .formatted(user, UUID.randomUUID()));
            assertEquals(200, r.status(), r.body());
            ids.add(r.json().get("holdId").asText());
        }
        int captured = 0;
        int released = 0;
        int expired = 0;
        for (String id : ids) {
            // before the expiry for capture and release, after it for the expirer (a capture that finds it due)
            DeductCreditsHandler captor = instance(T0.plusSeconds(59));
            DeductCreditsHandler releaser = instance(T0.plusSeconds(59));
            DeductCreditsHandler expirer = instance(T0.plusSeconds(61));
            List<Reply> replies = race(List.of(
                    () -> post(captor, "/api/credits/holds/" + id + "/capture", "{\"amount\": 7}"),
                    () -> post(releaser, "/api/credits/holds/" + id + "/release", null),
                    () -> post(expirer, "/api/credits/holds/" + id + "/capture", null)));
            Reply capture = replies.get(0);
            Reply release = replies.get(1);
            Reply late = replies.get(2);
            String status = item("HOLD#" + id, "HOLD").get("status").s();
            int winners = 0;
            if (capture.status() == 200) {
                winners++;
                assertEquals("captured", status);
                captured++;
                assertEquals(409, release.status(), release.body());
                assertEquals("hold_captured", release.json().get("error").asText());
            }
            if (release.status() == 200 && !release.json().get("replayed").asBoolean()) {
                winners++;
                assertEquals("released", status);
                released++;
            }
            if ("expired".equals(status)) {
                winners++;
                expired++;
                assertEquals(409, late.status(), late.body());
                assertEquals("hold_expired", late.json().get("error").asText());
            }
            assertEquals(1, winners, "capture " + capture.body() + " release " + release.body() + " late " + late.body());
            // the late capture never captures: a 409, or (after the capture won) the replay of that capture, since a
            // capture without an amount is also what a retry of the capture sends
            assertTrue(late.status() == 409 || (capture.status() == 200 && late.json().path("replayed").asBoolean()),
                    "the late capture never captures: " + late.body());
            if (capture.status() != 200) {
                assertEquals(409, capture.status(), capture.body());
                assertEquals("hold_" + status, capture.json().get("error").asText());
            }
        }
        Map<String, AttributeValue> balance = item("USER#" + user, "BALANCE");
        assertEquals("0", balance.get("held").n(), "every hold left held exactly once");
        assertEquals(Long.toString(100_000 - 700L * captured), balance.get("balance").n());
        assertEquals(Long.toString(1 + captured), balance.get("seq").n(), "one entry per capture, none for the others");
        assertEquals(holds, captured + released + expired);
        assertTrue(captured > 0 || released > 0 || expired > 0);
    }

    @Test
    void holdsAndDeductsRacingForOneBalanceNeverTakeMoreThanItHas() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        List<Callable<Reply>> tasks = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            DeductCreditsHandler handler = instance(T0);
            String key = "k-" + UUID.randomUUID();
            if (i % 2 == 0) {
                tasks.add(() -> post(handler, "/api/credits/holds", """
                        {"userId": "%s", "amount": 10, "idempotencyKey": "%s", "ttlSeconds": 600}""".formatted(user, key)));
            } else {
                tasks.add(() -> post(handler, "/api/credits/deduct", """
                        {"userId": "%s", "amount": 10, "idempotencyKey": "%s"}""".formatted(user, key)));
            }
        }
        List<Reply> replies = new ArrayList<>(race(tasks));
        for (int i = 0; i < replies.size(); i++) {
            while (replies.get(i).status() == 503 || replies.get(i).body().contains("\"contention\"")) {
                replies.set(i, tasks.get(i).call()); // a client retries a contention answer with the same key
            }
        }
        int holdsWon = 0;
        int deductsWon = 0;
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            assertTrue(r.status() == 200 || r.status() == 402, r.body());
            if (r.status() == 200) {
                if (i % 2 == 0) {
                    holdsWon++;
                } else {
                    deductsWon++;
                }
            }
        }
        assertEquals(10, holdsWon + deductsWon, "100 credits cover exactly ten 10-credit holds or deducts");
        Map<String, AttributeValue> balance = item("USER#" + user, "BALANCE");
        assertEquals(Long.toString(1000L * holdsWon), balance.get("held").n());
        assertEquals(Long.toString(10_000 - 1000L * deductsWon), balance.get("balance").n());
    }

    @Test
    void oneKeyCreatedManyTimesAtOnceHoldsOnce() throws Exception {
        String user = DeductFixture.newUser();
        fx.grant(user, "100");
        String key = "same-" + UUID.randomUUID();
        List<Callable<Reply>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            DeductCreditsHandler handler = instance(T0);
            tasks.add(() -> post(handler, "/api/credits/holds", """
                    {"userId": "%s", "amount": 25, "idempotencyKey": "%s", "ttlSeconds": 600}""".formatted(user, key)));
        }
        List<Reply> replies = race(tasks);
        long fresh = replies.stream().filter(r -> r.status() == 200 && !r.json().get("replayed").asBoolean()).count();
        assertEquals(1, fresh);
        assertTrue(replies.stream().allMatch(r -> r.status() == 200), replies.toString());
        assertEquals(1, replies.stream().map(r -> r.json().get("holdId").asText()).distinct().count());
        assertEquals("2500", item("USER#" + user, "BALANCE").get("held").n());
        // and the release of it, from many instances at once: held drops once
        String id = replies.get(0).json().get("holdId").asText();
        List<Callable<Reply>> releases = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            DeductCreditsHandler handler = instance(T0);
            releases.add(() -> post(handler, "/api/credits/holds/" + id + "/release", null));
        }
        List<Reply> released = race(releases);
        assertEquals(1, released.stream().filter(r -> r.status() == 200 && !r.json().get("replayed").asBoolean()).count());
        assertEquals("0", item("USER#" + user, "BALANCE").get("held").n());
    }

}
