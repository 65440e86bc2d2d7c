package dev.prepaid.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.system.ReliabilityAccess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model-based concurrency check. Eight workers run a seeded random mix of operations over twenty users
 * through the API Gateway stand-in and the real handlers: deducts (some resent with the same idempotency
 * key, some sent twice at once), refunds of deductions, grants, purchases (the provider's webhooks repeated
 * up to five times, shuffled, some held back and delivered later, some through the provider callback route;
 * the browser's callback racing them), subscription renewals and provider refunds (claw-backs). Two
 * consumers drain the fulfilment queue all along.
 *
 * <p>The run's operations are the requests it sends to the API: every deduct and every resend of it, every
 * refund, grant, order, callback and read, every webhook delivery including each duplicate. Normal mode sends
 * at least 10,000 ({@code -Dreliability.long=true} multiplies that); each worker has its share as a budget
 * and its own seeded plan, so a seed replays the same plan (the interleaving is the machine's).
 *
 * <p>An in-memory model keeps each user's expected balance, changed only by what the API answered: a
 * deduct's 200 takes its amount once per key, a 402 nothing; a provider event counts from the moment its
 * webhook was acknowledged. When the queue is empty: every balance equals the sum of its ledger and the
 * model; every ledger is one unbroken chain; no deduct overdrew; every entry the model expects is there
 * once and no other; every provider event posted at most once; every paid order is completed and credited;
 * nothing went to the dead-letter queue.
 */
@ExtendWith(SuiteLogs.class)
class ModelConcurrencyTest {
    static final int USERS = 20;
    static final int WORKERS = 8;
    static final int BASE_OPERATIONS = 10_000;
    private static final Map<String, Long> CREDITS = Map.of("trial", 10_000L, "basic", 30_000L, "pro", 150_000L);
    private static final String SERVICE = "service:app-backend";

    /** An effect on one user's balance, in hundredths. */
    record Effect(String user, long amount) {
    }

    /** A payment whose crediting event the API acknowledged: claw-backs may name it. */
    record Payment(String paymentRef, String user, long paidMinor, String currency, long credits, String creditedKey) {
    }

    record ProviderRefund(String refundId, String paymentRef, long amountMinor) {
    }

    record PaidOrder(String orderId, String user, String productId, String creditedKey) {
    }

    record Subscription(MockCheckout checkout, String user, long credits, AtomicInteger nextPeriod) {
    }

    record Delivery(MockEvents.Event event, Runnable onAck) {
    }

    /** Everything the run shares: the model, what can be referred to later, and the held-back deliveries. */
    static final class World {
        final Map<String, Effect> direct = new ConcurrentHashMap<>();      // deduct, refund, grant: by entry id
        final Map<String, Effect> provider = new ConcurrentHashMap<>();    // purchase and period credits: by entry id
        final Map<String, Payment> payments = new ConcurrentHashMap<>();
        final Map<String, ProviderRefund> refunds = new ConcurrentHashMap<>();
        final List<PaidOrder> paidOrders = Collections.synchronizedList(new ArrayList<>());
        final List<String[]> deductions = Collections.synchronizedList(new ArrayList<>());
        final List<Subscription> subscriptions = Collections.synchronizedList(new ArrayList<>());
        final List<Payment> paymentList = Collections.synchronizedList(new ArrayList<>());
        final List<Delivery> heldBack = Collections.synchronizedList(new ArrayList<>());
        final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
        /** Holds the API acknowledged: id -> user, amount; and how each ended (captured, released, expired). */
        final Map<String, Effect> holds = new ConcurrentHashMap<>();
        final Map<String, String> holdEnds = new ConcurrentHashMap<>();
        /** Short-lived holds left for another worker to finish, usually after they expired. */
        final List<String> idleHolds = Collections.synchronizedList(new ArrayList<>());
        /** Requests sent to the API: the run's operations. */
        final AtomicLong requests = new AtomicLong();
        final Violations violations = new Violations();
        /** Deliberately wrong model (reliability.sabotage=model): proves the comparison can fail. */
        final boolean sabotage = "model".equals(System.getProperty("reliability.sabotage"));

        void count(String name) {
            counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        }

        long counter(String name) {
            AtomicLong value = counters.get(name);
            return value == null ? 0 : value.get();
        }

        /** A synchronous answer's effect, once per entry id; a second answer must agree with the first. */
        void direct(String entryId, String user, long amount, boolean replayed, boolean concurrent) {
            Effect effect = new Effect(user, amount);
            Effect before = direct.putIfAbsent(entryId, effect);
            if (before == null) {
                if (replayed && !concurrent) {
                    violations.add(entryId + ": the first answer said replayed");
                }
                if (sabotage && direct.size() % 97 == 0) {
                    direct.put(entryId, new Effect(user, amount - 1));
                }
            } else {
                violations.check(before.equals(effect) || sabotage, entryId + ": answered " + effect + " after " + before);
                violations.check(replayed || concurrent, entryId + ": a repeated request was not a replay");
            }
        }

        void providerEffect(String entryId, String user, long credits) {
            provider.putIfAbsent(entryId, new Effect(user, credits));
        }

        void payment(Payment payment) {
            if (payments.putIfAbsent(payment.paymentRef(), payment) == null) {
                paymentList.add(payment);
            }
        }
    }

    @Test
    void aSeededRandomMixOfOperationsAgreesWithTheModel() throws Exception {
        long seed = Reliability.seed();
        int operations = Integer.getInteger("reliability.operations", Reliability.scaled(BASE_OPERATIONS));
        long started = System.nanoTime();
        long cpuStarted = processCpuMillis();
        World world = new World();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(String.format("u%02d-%d", i, Math.floorMod(seed, 100_000)));
        }
        ObjectNode figures = Figures.object();
        try (ReliabilityAccess system = new ReliabilityAccess("mock")) {
            Http http = new Http(system.baseUrl());
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> consumers = new ArrayList<>();
            Consumer consumer = new Consumer(system.sqs(), system.queueUrl(),
                    dev.prepaid.function.fulfilment.FulfilmentHandler.fromEnv(system.env()));
            for (int i = 0; i < 2; i++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            consumer.pollOnce(10, 1);
                        } catch (RuntimeException e) {
                            world.violations.add("the queue consumer failed: " + e);
                        }
                    }
                }, "fulfilment-consumer-" + i);
                thread.setDaemon(true);
                thread.start();
                consumers.add(thread);
            }
            ExecutorService side = Executors.newFixedThreadPool(4);
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            List<Future<?>> workers = new ArrayList<>();
            List<Future<?>> racing = Collections.synchronizedList(new ArrayList<>());
            int perWorker = operations / WORKERS;
            AtomicLong steps = new AtomicLong();
            for (int w = 0; w < WORKERS; w++) {
                Worker worker = new Worker(w, new Random(seed * 1_000_003L + w), system, http, world, users, side, racing);
                int budget = perWorker + (w < operations % WORKERS ? 1 : 0);
                workers.add(pool.submit(() -> steps.addAndGet(worker.run(budget))));
            }
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.MINUTES);
            }
            world.counters.put("phase.workersMillis", new AtomicLong((System.nanoTime() - started) / 1_000_000));
            // The provider delivers whatever it held back, in its own order.
            List<Delivery> rest;
            synchronized (world.heldBack) {
                rest = new ArrayList<>(world.heldBack);
                world.heldBack.clear();
            }
            Collections.shuffle(rest, new Random(seed));
            Worker flusher = new Worker(WORKERS, new Random(seed + 7), system, http, world, users, side, racing);
            for (Delivery delivery : rest) {
                flusher.deliver(delivery);
            }
            synchronized (racing) {
                for (Future<?> callback : racing) {
                    callback.get(5, TimeUnit.MINUTES);
                }
            }
            pool.shutdown();
            side.shutdown();
            long drainStarted = System.nanoTime();
            int quiet = 0;
            while (quiet < 3) {
                if (System.nanoTime() - drainStarted > TimeUnit.MINUTES.toNanos(5)) {
                    world.violations.add("the queue did not drain in 5 minutes: " + system.queueDepth() + " left");
                    break;
                }
                quiet = system.queueDepth() == 0 ? quiet + 1 : 0;
                Thread.sleep(200);
            }
            stop.set(true);
            for (Thread thread : consumers) {
                thread.join(10_000);
            }
            world.violations.check(consumer.deleteFailures.get() == 0,
                    consumer.deleteFailures.get() + " handled message(s) could not be deleted");
            world.counters.put("queue.received", new AtomicLong(consumer.received.get()));
            world.counters.put("queue.failedAndRetried", new AtomicLong(consumer.failed.get()));
            long runSeconds = (System.nanoTime() - started) / 1_000_000_000L;

            int deadLetters = Integer.parseInt(system.sqs().getQueueAttributes(b -> b.queueUrl(system.dlqUrl())
                    .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                    .get("ApproximateNumberOfMessages"));
            if (deadLetters > 0) {
                world.violations.add(deadLetters + " provider event(s) went to the dead-letter queue");
                system.sqs().receiveMessage(b -> b.queueUrl(system.dlqUrl()).maxNumberOfMessages(10)).messages()
                        .forEach(m -> world.violations.add("dead letter: " + m.body()));
            }

            long entries = audit(world, http, users, system);
            // One more oracle: the scheduled reconciliation, with nothing to wait for, finds nothing to fix.
            dev.prepaid.port.out.ReconciliationReport report = Reconciler.build(system, system.dynamo(), system.sqs(), null).run();
            Reconciler.check("model", report, world.violations);
            world.violations.check(report.pending().healed() == 0, "reconciliation had to heal " + report.pending().healedOrderIds());
            figures.put("reconciliationUsersChecked", report.drift().usersChecked());
            figures.put("reconciliationOrdersChecked", report.completed().checked());
            figures.put("operations", world.requests.get());
            figures.put("operationsPlanned", operations);
            figures.put("steps", steps.get());
            figures.put("workers", WORKERS);
            figures.put("users", USERS);
            figures.put("ledgerEntries", entries);
            figures.put("seconds", runSeconds);
            figures.put("testJvmCpuSeconds", (processCpuMillis() - cpuStarted) / 1000);
            figures.put("availableProcessors", Runtime.getRuntime().availableProcessors());
            figures.put("auditSeconds", (System.nanoTime() - started) / 1_000_000_000L - runSeconds);
            ObjectNode counters = figures.putObject("counts");
            new TreeMap<>(world.counters).forEach((k, v) -> counters.put(k, v.get()));
            figures.put("violations", world.violations.count());
            figures.putPOJO("firstViolations", world.violations.first());
            Figures.publish("model", figures);
        }
        assertEquals(0, world.violations.count(), world.violations.summary());
        assertTrue(world.requests.get() >= operations, "operations: " + world.requests.get());
        assertTrue(world.counter("op.deduct") > 0 && world.counter("op.purchase") > 0 && world.counter("op.renewal") > 0
                && world.counter("op.clawback") > 0 && world.counter("op.refund") > 0 && world.counter("op.grant") > 0
                && world.counter("capture.200") > 0 && world.counter("op.hold") > 0,
                "every kind of operation ran: " + world.counters);
    }

    /** CPU time of this JVM (the handlers, DynamoDB Local, ElasticMQ and the test), to tell load from waiting. */
    static long processCpuMillis() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1_000_000 : 0;
    }

    /** The checks after the run; returns how many ledger entries were read. */
    private static long audit(World world, Http http, List<String> users, ReliabilityAccess system) {
        Violations v = world.violations;
        Map<String, Long> expected = new HashMap<>();
        Map<String, Set<String>> expectedIds = new HashMap<>();
        for (String user : users) {
            expected.put(user, 0L);
            expectedIds.put(user, new HashSet<>());
        }
        world.direct.forEach((id, effect) -> {
            expected.merge(effect.user(), effect.amount(), Long::sum);
            expectedIds.get(effect.user()).add(id);
        });
        world.provider.forEach((id, effect) -> {
            expected.merge(effect.user(), effect.amount(), Long::sum);
            expectedIds.get(effect.user()).add(id);
        });
        // Claw-backs: the refunds of one payment together take floor(credits x totalRefunded / paid) in whole
        // credits (each takes that of the running total minus what was taken), never more than it granted,
        // whatever order they were handled in.
        Map<String, Long> clawedByPayment = new HashMap<>();
        Map<String, List<ProviderRefund>> refundsByPayment = new HashMap<>();
        world.refunds.values().forEach(r -> refundsByPayment.computeIfAbsent(r.paymentRef(), k -> new ArrayList<>()).add(r));
        refundsByPayment.forEach((paymentRef, refunds) -> {
            Payment payment = world.payments.get(paymentRef);
            long returned = 0;
            for (ProviderRefund refund : refunds) {
                returned += refund.amountMinor();
            }
            long minor = Math.min(returned, payment.paidMinor());
            long clawed = Math.multiplyExact(payment.credits(), minor) / payment.paidMinor() / 100 * 100;
            clawedByPayment.put(paymentRef, clawed);
            expected.merge(payment.user(), -clawed, Long::sum);
        });

        long entriesRead = 0;
        Map<String, Long> clawedSeen = new HashMap<>();
        Map<String, Integer> byType = new TreeMap<>();
        // Holds: what the balance shows held is the sum of the holds still active (none of them past its time:
        // the short ones have expired by now, the long ones not), and a hold that ended ended once.
        try {
            Thread.sleep(1500); // the last 1 s holds are past their time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Long> stillHeld = new HashMap<>();
        for (String user : users) {
            stillHeld.put(user, 0L);
        }
        world.holds.forEach((id, hold) -> {
            Http.Reply r = http.json("POST", "/api/credits/holds/" + id + "/release", SERVICE, "{}");
            // releasing each open hold at the end: an expired one answers expired, a captured one 409
            if (r.status() == 200 && "released".equals(r.json().path("status").asText())
                    && !r.json().path("replayed").asBoolean()) {
                stillHeld.merge(hold.user(), hold.amount(), Long::sum);
                String first = world.holdEnds.get(id);
                v.check(first == null, "hold " + id + " released at the end after it ended " + first);
            } else if (r.status() == 200) {
                String first = world.holdEnds.get(id);
                String now = r.json().path("status").asText();
                v.check(first == null || first.equals(now) || r.json().path("replayed").asBoolean() && first.equals(now),
                        "hold " + id + " is " + now + " but ended " + first);
            } else {
                v.check(r.status() == 409 && "captured".equals(world.holdEnds.getOrDefault(id, "captured")),
                        "hold " + id + " at the end: " + r.status() + " " + r.body() + " (ended " + world.holdEnds.get(id) + ")");
            }
        });
        for (String user : users) {
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = system.dynamo().getItem(b -> b
                    .tableName(system.table()).consistentRead(true).key(Map.of(
                            "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("USER#" + user),
                            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("BALANCE")))).item();
            long held = item == null || !item.containsKey("held") ? 0 : Long.parseLong(item.get("held").n());
            v.check(held == 0, user + ": held " + Ledger.credits(held) + " after every hold ended (released at the end: "
                    + Ledger.credits(stillHeld.get(user)) + ")");
        }
        world.counters.put("holds.acknowledged", new AtomicLong(world.holds.size()));
        for (String user : users) {
            long balance = Ledger.balance(http, user);
            List<Ledger.Entry> entries = Ledger.read(http, user);
            entriesRead += entries.size();
            Ledger.checkInvariants(user, balance, entries, v);
            v.check(balance == expected.get(user), user + ": balance " + Ledger.credits(balance) + " but the model says "
                    + Ledger.credits(expected.get(user)));
            Set<String> seen = new HashSet<>();
            for (Ledger.Entry entry : entries) {
                byType.merge(entry.type(), 1, Integer::sum);
                v.check(seen.add(entry.entryId()), user + ": " + entry.entryId() + " twice");
                switch (entry.type()) {
                    case "clawback" -> {
                        String refundId = entry.entryId().substring(("clawback#" + MockEvents.PROVIDER + ":").length());
                        ProviderRefund refund = world.refunds.get(refundId);
                        v.check(refund != null, user + ": claw-back " + entry.entryId() + " for a refund never acknowledged");
                        v.check(refund == null || refund.paymentRef().equals(entry.metadata().get("paymentRef")),
                                user + ": claw-back " + entry.entryId() + " against the wrong payment");
                        clawedSeen.merge(entry.metadata().get("paymentRef"), -entry.amount(), Long::sum);
                    }
                    default -> {
                        Effect effect = world.direct.containsKey(entry.entryId()) ? world.direct.get(entry.entryId())
                                : world.provider.get(entry.entryId());
                        v.check(effect != null, user + ": entry " + entry.entryId() + " (" + entry.type() + ") the model never saw");
                        v.check(effect == null || (effect.amount() == entry.amount() && effect.user().equals(user)),
                                user + ": entry " + entry.entryId() + " is " + Ledger.credits(entry.amount()) + ", the model says " + effect);
                    }
                }
            }
            for (String id : expectedIds.get(user)) {
                v.check(seen.contains(id), user + ": the API acknowledged " + id + " but the ledger lacks it");
            }
        }
        clawedByPayment.forEach((paymentRef, clawed) -> v.check(clawed.equals(clawedSeen.getOrDefault(paymentRef, 0L)),
                "payment " + paymentRef + ": clawed back " + Ledger.credits(clawedSeen.getOrDefault(paymentRef, 0L))
                        + ", expected " + Ledger.credits(clawed)));
        clawedSeen.keySet().forEach(paymentRef -> v.check(clawedByPayment.containsKey(paymentRef),
                "payment " + paymentRef + " was clawed back without an acknowledged refund"));

        // Every paid order is completed and credited, once.
        for (PaidOrder order : List.copyOf(world.paidOrders)) {
            Http.Reply reply = http.get("/api/payment/orders/" + order.orderId(), "user:" + order.user());
            v.check(reply.status() == 200 && "completed".equals(reply.json().path("status").asText()),
                    "paid order " + order.orderId() + " is " + reply.status() + " " + reply.body());
            v.check(world.provider.containsKey(order.creditedKey()), "paid order " + order.orderId() + " was never acknowledged");
        }
        // Every provider event changed state at most once, table-wide, by deterministic key.
        Map<String, Integer> keyed = new TreeMap<>();
        system.dynamo().scanPaginator(b -> b.tableName(system.table()).consistentRead(true).projectionExpression("pk"))
                .items().forEach(item -> {
            String pk = item.get("pk").s();
            for (String prefix : List.of("purchase#", "subscription_grant#", "clawback#")) {
                if (pk.startsWith("ENTRY#" + prefix)) {
                    keyed.merge(prefix, 1, Integer::sum);
                }
            }
        });
        long purchases = world.provider.keySet().stream().filter(k -> k.startsWith("purchase#")).count();
        long grants = world.provider.keySet().stream().filter(k -> k.startsWith("subscription_grant#")).count();
        v.check(keyed.getOrDefault("purchase#", 0) == purchases,
                "purchase# entries: " + keyed.getOrDefault("purchase#", 0) + ", paid pack orders acknowledged: " + purchases);
        v.check(keyed.getOrDefault("subscription_grant#", 0) == grants,
                "subscription_grant# entries: " + keyed.getOrDefault("subscription_grant#", 0) + ", periods acknowledged: " + grants);
        v.check(keyed.getOrDefault("clawback#", 0) <= world.refunds.size(),
                "clawback# entries: " + keyed.getOrDefault("clawback#", 0) + ", refunds acknowledged: " + world.refunds.size());
        byType.forEach((type, n) -> world.counters.put("entries." + type, new AtomicLong(n)));
        return entriesRead;
    }

    /** One worker: its own seeded random plan over the shared users. */
    static final class Worker {
        private final int id;
        private final Random random;
        private final ReliabilityAccess system;
        private final Http http;
        private final World world;
        private final List<String> users;
        private final ExecutorService side;
        private final List<Future<?>> racing;

        Worker(int id, Random random, ReliabilityAccess system, Http http, World world, List<String> users,
               ExecutorService side, List<Future<?>> racing) {
            this.id = id;
            this.random = random;
            this.system = system;
            this.http = http;
            this.world = world;
            this.users = users;
            this.side = side;
            this.racing = racing;
        }

        /** Requests this worker sent (callbacks it set racing included). */
        private final AtomicLong sent = new AtomicLong();

        /** Runs operations until this worker has sent {@code budget} requests; returns how many operations. */
        int run(long budget) {
            int i = 0;
            for (; sent.get() < budget; i++) {
                String user = users.get(random.nextInt(users.size()));
                int roll = random.nextInt(100);
                String key = "w" + id + "-" + i;
                long began = System.nanoTime();
                String kind = kind(roll);
                try {
                    switch (kind) {
                        case "deduct" -> deduct(user, key);
                        case "refund" -> refund(key, user);
                        case "grant" -> grant(user, key);
                        case "purchase" -> purchase(user, key);
                        case "renewal" -> renewal(key, user);
                        case "clawback" -> clawback(key, user);
                        case "deliverHeldBack" -> deliverHeldBack(user);
                        case "hold" -> hold(user, key);
                        default -> read(user);
                    }
                } catch (RuntimeException e) {
                    world.violations.add("operation " + key + " failed: " + e);
                }
                world.counters.computeIfAbsent("micros." + kind, k -> new AtomicLong())
                        .addAndGet((System.nanoTime() - began) / 1000);
            }
            return i;
        }

        /** Every request to the system is one operation of the run. */
        private Http.Reply counted(java.util.function.Supplier<Http.Reply> request) {
            sent.incrementAndGet();
            world.requests.incrementAndGet();
            return request.get();
        }

        /**
         * The mix, in percent. The money path dominates (as in production); the purchase side is a few percent
         * of operations but most of the requests (each purchase is an order, a payment, up to ten webhook
         * deliveries and their fulfilment).
         */
        static String kind(int roll) {
            if (roll < 50) {
                return "deduct";
            }
            if (roll < 62) {
                return "refund";
            }
            if (roll < 73) {
                return "grant";
            }
            if (roll < 75) {
                return "purchase";
            }
            if (roll < 79) {
                return "renewal";
            }
            if (roll < 82) {
                return "clawback";
            }
            if (roll < 89) {
                return "deliverHeldBack";
            }
            if (roll < 95) {
                return "hold";
            }
            return "read";
        }

        // --- the app backend -------------------------------------------------------------------------

        private void deduct(String user, String key) {
            world.count("op.deduct");
            ObjectNode body = Figures.object();
            body.put("userId", user);
            if (random.nextInt(10) < 3) {
                switch (random.nextInt(5)) {
                    case 0 -> body.put("operation", "image").putObject("params")
                            .put("quality", List.of("standard", "hd", "4k").get(random.nextInt(3)));
                    case 1 -> body.put("operation", "video").putObject("params").put("durationSeconds", 1 + random.nextInt(20));
                    case 2 -> body.put("operation", "audio").putObject("params").put("durationSeconds", 1 + random.nextInt(200));
                    case 3 -> body.put("operation", "video_generation");
                    default -> body.put("operation", "image_generation");
                }
            } else {
                body.put("amount", new java.math.BigDecimal(Ledger.credits(1 + random.nextInt(3000))));
            }
            body.put("idempotencyKey", "d-" + key);
            if (random.nextInt(4) == 0) {
                body.put("description", "clip for " + user + "@example.com");
            }
            String json = body.toString();
            if (random.nextInt(30) == 0) {
                // the same deduct sent twice at once
                world.count("deduct.concurrentPairs");
                Future<Http.Reply> twin = side.submit(() -> counted(() -> http.json("POST", "/api/credits/deduct", SERVICE, json)));
                onDeduct(user, key, sendRetrying("/api/credits/deduct", json), true);
                try {
                    Http.Reply other = twin.get(2, TimeUnit.MINUTES);
                    onDeduct(user, key, other.status() == 503 ? sendRetrying("/api/credits/deduct", json) : other, true);
                } catch (Exception e) {
                    world.violations.add("deduct " + key + " twin failed: " + e);
                }
                return;
            }
            int status = onDeduct(user, key, sendRetrying("/api/credits/deduct", json), false);
            if (random.nextInt(6) == 0) {
                int resends = 1 + random.nextInt(3);
                for (int r = 0; r < resends; r++) {
                    world.count("deduct.resends");
                    int again = onDeduct(user, key, sendRetrying("/api/credits/deduct", json), false);
                    world.violations.check(!(status == 200 && again != 200),
                            "deduct " + key + " answered 200, then " + again + " when resent");
                }
            }
        }

        /** A 503 (contention) is retried with the same key, as the README tells the app to. */
        private Http.Reply sendRetrying(String path, String json) {
            for (int attempt = 0; ; attempt++) {
                // a negative grant is an operator's adjustment (credits/admin); the rest is the app's backend
                String token = path.equals("/api/credits/grant") ? "admin:ops" : SERVICE;
                Http.Reply reply = counted(() -> http.json("POST", path, token, json));
                if (reply.status() != 503 || attempt >= 20) {
                    return reply;
                }
                world.count("retries.503");
                sleep(20);
            }
        }

        private int onDeduct(String user, String key, Http.Reply reply, boolean concurrent) {
            switch (reply.status()) {
                case 200 -> {
                    JsonNode answer = reply.json();
                    world.count("deduct.200");
                    world.violations.check(("usage#d-" + key).equals(answer.path("deductionId").asText()),
                            "deduct " + key + " answered deductionId " + answer.path("deductionId"));
                    world.violations.check(user.equals(answer.path("userId").asText()), "deduct " + key + " for another user");
                    world.violations.check(answer.path("balance").decimalValue().signum() >= 0,
                            "deduct " + key + " left a negative balance " + answer.path("balance"));
                    long amount = Ledger.hundredths(answer.get("amount"));
                    world.direct("usage#d-" + key, user, -amount, answer.path("replayed").asBoolean(), concurrent);
                    if (!answer.path("replayed").asBoolean()) {
                        world.deductions.add(new String[] {answer.get("deductionId").asText(), Long.toString(amount)});
                    }
                }
                case 402 -> {
                    world.count("deduct.402");
                    world.violations.check("insufficient_credits".equals(reply.json().path("error").asText()),
                            "deduct " + key + " 402 without insufficient_credits: " + reply.body());
                }
                default -> world.violations.add("deduct " + key + " answered " + reply.status() + ": " + reply.body());
            }
            return reply.status();
        }

        private void refund(String key, String user) {
            String[] deduction;
            synchronized (world.deductions) {
                if (world.deductions.isEmpty()) {
                    deduct(user, key);
                    return;
                }
                deduction = world.deductions.get(random.nextInt(world.deductions.size()));
            }
            world.count("op.refund");
            ObjectNode body = Figures.object();
            body.put("deductionId", deduction[0]);
            body.put("reason", "the job failed");
            if (random.nextBoolean()) {
                long taken = Long.parseLong(deduction[1]);
                body.put("amount", new java.math.BigDecimal(Ledger.credits(1 + random.nextInt((int) Math.max(1, taken)))));
                body.put("idempotencyKey", "r-" + key);
            }
            String json = body.toString();
            int times = random.nextInt(5) == 0 ? 2 : 1;
            for (int t = 0; t < times; t++) {
                Http.Reply reply = sendRetrying("/api/credits/refund", json);
                switch (reply.status()) {
                    case 200 -> {
                        JsonNode answer = reply.json();
                        world.count("refund.200");
                        world.direct(answer.get("refundId").asText(), answer.get("userId").asText(),
                                Ledger.hundredths(answer.get("amount")), answer.path("replayed").asBoolean(), true);
                    }
                    case 400 -> {
                        world.count("refund.400");
                        world.violations.check("refund_exceeds_deduction".equals(reply.json().path("error").asText()),
                                "refund " + key + " answered " + reply.body());
                    }
                    default -> world.violations.add("refund " + key + " answered " + reply.status() + ": " + reply.body());
                }
            }
        }

        private void grant(String user, String key) {
            world.count("op.grant");
            long amount = random.nextInt(10) == 0 ? -(1 + random.nextInt(2000)) : 1 + random.nextInt(10_000);
            ObjectNode body = Figures.object();
            body.put("userId", user);
            body.put("amount", new java.math.BigDecimal(Ledger.credits(amount)));
            body.put("reason", amount < 0 ? "correction" : "promotion");
            body.put("idempotencyKey", "g-" + key);
            String json = body.toString();
            int times = random.nextInt(5) == 0 ? 2 : 1;
            for (int t = 0; t < times; t++) {
                Http.Reply reply = sendRetrying("/api/credits/grant", json);
                if (reply.status() != 200) {
                    world.violations.add("grant " + key + " answered " + reply.status() + ": " + reply.body());
                    return;
                }
                JsonNode answer = reply.json();
                world.count("grant.200");
                world.violations.check(Ledger.hundredths(answer.get("amount")) == amount, "grant " + key + " granted " + answer);
                world.direct("adjustment#g-" + key, user, amount, answer.path("replayed").asBoolean(), false);
            }
        }

        // --- holds: reserve, then capture, release or let expire (a moving clock: real time, 1 s holds) ---

        private void hold(String user, String key) {
            world.count("op.hold");
            // an idle short hold of another worker first: usually past its time by now
            String idle = null;
            synchronized (world.idleHolds) {
                if (!world.idleHolds.isEmpty() && random.nextBoolean()) {
                    idle = world.idleHolds.remove(random.nextInt(world.idleHolds.size()));
                }
            }
            if (idle != null) {
                finishHold(idle, random.nextBoolean());
                return;
            }
            boolean shortLived = random.nextInt(3) == 0;
            long amount = 1 + random.nextInt(2000);
            ObjectNode body = Figures.object();
            body.put("userId", user);
            body.put("amount", new java.math.BigDecimal(Ledger.credits(amount)));
            body.put("idempotencyKey", "h-" + key);
            body.put("ttlSeconds", shortLived ? 1 : 600);
            String json = body.toString();
            Http.Reply reply = sendRetrying("/api/credits/holds", json);
            if (random.nextInt(8) == 0) {
                world.count("hold.resends");
                Http.Reply again = sendRetrying("/api/credits/holds", json);
                world.violations.check(again.status() == reply.status() || reply.status() == 402 || again.status() == 402,
                        "hold " + key + " answered " + reply.status() + ", then " + again.status());
                if (reply.status() == 200 && again.status() == 200) {
                    world.violations.check(again.json().path("replayed").asBoolean()
                            && again.json().path("holdId").equals(reply.json().path("holdId")), "hold " + key + " resent: " + again.body());
                }
            }
            if (reply.status() == 402) {
                world.count("hold.402");
                world.violations.check("insufficient_credits".equals(reply.json().path("error").asText()), "hold 402: " + reply.body());
                return;
            }
            if (reply.status() != 200) {
                world.violations.add("hold " + key + " answered " + reply.status() + ": " + reply.body());
                return;
            }
            world.count("hold.200");
            String holdId = reply.json().path("holdId").asText();
            world.violations.check(reply.json().path("available").decimalValue().signum() >= 0,
                    "hold " + key + " left less than nothing available: " + reply.body());
            world.holds.putIfAbsent(holdId, new Effect(user, amount));
            if (shortLived) {
                world.idleHolds.add(holdId);
                return;
            }
            if (random.nextInt(10) == 0) {
                // capture and release at once: exactly one wins
                world.count("hold.races");
                Future<Http.Reply> release = side.submit(() -> counted(() -> http.json("POST",
                        "/api/credits/holds/" + holdId + "/release", SERVICE, "{}")));
                finishHold(holdId, true);
                try {
                    onRelease(holdId, release.get(2, TimeUnit.MINUTES));
                } catch (Exception e) {
                    world.violations.add("release " + holdId + " failed: " + e);
                }
                return;
            }
            if (random.nextInt(5) == 0) {
                return; // left active until the end: held must still show it
            }
            finishHold(holdId, random.nextInt(3) > 0);
        }

        private void finishHold(String holdId, boolean capture) {
            if (!capture) {
                onRelease(holdId, sendRetrying("/api/credits/holds/" + holdId + "/release", "{}"));
                return;
            }
            Effect held = world.holds.get(holdId);
            ObjectNode body = Figures.object();
            long cost = held.amount();
            int shape = random.nextInt(4);
            if (shape == 0) {
                cost = 1 + random.nextInt((int) held.amount()); // the actual cost, less than held
                body.put("amount", new java.math.BigDecimal(Ledger.credits(cost)));
            } else if (shape == 1) {
                cost = held.amount() + 1 + random.nextInt(500); // more than held
                body.put("amount", new java.math.BigDecimal(Ledger.credits(cost))).put("allowOver", true);
            }
            String json = body.toString();
            Http.Reply reply = sendRetrying("/api/credits/holds/" + holdId + "/capture", json);
            onCapture(holdId, held, cost, reply);
            if (reply.status() == 200 && random.nextInt(4) == 0) {
                world.count("capture.resends");
                Http.Reply again = sendRetrying("/api/credits/holds/" + holdId + "/capture", json);
                world.violations.check(again.status() == 200 && again.json().path("replayed").asBoolean(),
                        "capture " + holdId + " resent: " + again.status() + " " + again.body());
                onCapture(holdId, held, cost, again);
            }
        }

        private void onCapture(String holdId, Effect held, long cost, Http.Reply reply) {
            switch (reply.status()) {
                case 200 -> {
                    JsonNode answer = reply.json();
                    world.count("capture.200");
                    world.violations.check(Ledger.hundredths(answer.get("capturedAmount")) == cost,
                            "capture " + holdId + " took " + answer.get("capturedAmount") + ", asked " + Ledger.credits(cost));
                    world.violations.check(answer.path("balance").decimalValue().signum() >= 0,
                            "capture " + holdId + " left a negative balance " + answer.path("balance"));
                    ended(holdId, "captured");
                    world.direct(answer.path("deductionId").asText(), held.user(), -cost,
                            answer.path("replayed").asBoolean(), false);
                }
                case 402 -> world.count("capture.402"); // allowOver beyond what is available: the hold stays active
                case 409 -> {
                    String error = reply.json().path("error").asText();
                    world.count("capture." + error);
                    switch (error) {
                        case "hold_expired" -> ended(holdId, "expired");
                        case "hold_released" -> ended(holdId, "released");
                        case "hold_captured" -> ended(holdId, "captured");
                        default -> world.violations.add("capture " + holdId + ": " + reply.body());
                    }
                }
                default -> world.violations.add("capture " + holdId + " answered " + reply.status() + ": " + reply.body());
            }
        }

        private void onRelease(String holdId, Http.Reply reply) {
            if (reply.status() == 200) {
                String status = reply.json().path("status").asText();
                world.count("release." + status);
                world.violations.check(status.equals("released") || status.equals("expired"), "release " + holdId + ": " + reply.body());
                ended(holdId, status);
            } else if (reply.status() == 409) {
                world.count("release.409");
                world.violations.check("hold_captured".equals(reply.json().path("error").asText()), "release " + holdId + ": " + reply.body());
                ended(holdId, "captured");
            } else {
                world.violations.add("release " + holdId + " answered " + reply.status() + ": " + reply.body());
            }
        }

        /** A hold ends once: every answer about it must name the same end. */
        private void ended(String holdId, String how) {
            String first = world.holdEnds.putIfAbsent(holdId, how);
            world.violations.check(first == null || first.equals(how), "hold " + holdId + " ended " + how + " after " + first);
        }

        private void read(String user) {
            world.count("op.read");
            if (random.nextBoolean()) {
                Http.Reply balance = counted(() -> http.get("/api/credits/balance", "user:" + user));
                world.violations.check(balance.status() == 200, "balance of " + user + " answered " + balance.status());
            } else {
                Http.Reply page = counted(() -> http.get("/api/credits/transactions?limit=5", "user:" + user));
                world.violations.check(page.status() == 200, "transactions of " + user + " answered " + page.status());
            }
        }

        // --- the customer and the provider -----------------------------------------------------------

        private void purchase(String user, String key) {
            world.count("op.purchase");
            int roll = random.nextInt(20);
            String product = roll < 10 ? "trial" : roll < 17 ? "basic" : "pro";
            Http.Reply created = counted(() -> http.json("POST", "/api/payment/create-order", "user:" + user,
                    "{\"productId\": \"" + product + "\"}", new Http.Header("idempotency-key", "buy-" + key)));
            if (created.status() == 429) {
                world.count("purchase.rateLimited");
                return;
            }
            if (created.status() == 409 && "subscription_active".equals(created.json().path("error").asText())) {
                // One subscription per user (issue 10): allowed only for a plan, and only once the model has seen this
                // user pay for one (the subscription becomes active in the table after the model records it).
                boolean subscribed;
                synchronized (world.subscriptions) {
                    subscribed = world.subscriptions.stream().anyMatch(s -> s.user().equals(user));
                }
                world.violations.check(!product.equals("trial") && subscribed,
                        "create-order " + key + " (" + product + ") answered subscription_active for " + user
                                + " with no subscription paid for in the model");
                world.count("purchase.subscriptionActive");
                return;
            }
            if (created.status() != 201) {
                world.violations.add("create-order " + key + " answered " + created.status() + ": " + created.body());
                return;
            }
            String orderId = created.json().get("orderId").asText();
            MockCheckout checkout = MockEvents.pay(system.mock(), created.json().get("checkoutId").asText());
            long credits = CREDITS.get(product);
            String creditedKey = checkout.isSubscription() ? MockEvents.grantKey(checkout, 1) : MockEvents.purchaseKey(checkout);
            world.paidOrders.add(new PaidOrder(orderId, user, product, creditedKey));
            Runnable credited = () -> {
                world.providerEffect(creditedKey, user, credits);
                world.payment(new Payment(checkout.paymentRef(), user, checkout.amount().minor(), checkout.amount().currency(),
                        credits, creditedKey));
            };
            List<MockEvents.Event> events = new ArrayList<>();
            events.add(MockEvents.checkoutCompleted(checkout));
            if (checkout.isSubscription()) {
                events.add(MockEvents.invoicePaid(checkout, 1));
                world.subscriptions.add(new Subscription(checkout, user, credits, new AtomicInteger(2)));
                world.count("purchase.subscriptions");
            }
            List<Delivery> deliveries = new ArrayList<>();
            for (MockEvents.Event event : events) {
                int copies = 1 + random.nextInt(5);
                for (int c = 0; c < copies; c++) {
                    deliveries.add(new Delivery(event, credited));
                }
            }
            Collections.shuffle(deliveries, random);
            if (random.nextInt(10) < 3) {
                world.count("purchase.callbackRaces");
                racing.add(side.submit(() -> callback(orderId, checkout.id(), credited)));
            }
            send(deliveries);
        }

        /** The browser comes back from the hosted page while the webhooks are still arriving. */
        private void callback(String orderId, String checkoutId, Runnable credited) {
            Http.Reply reply = counted(() -> http.get("/api/payment/callback?orderId=" + orderId + "&session_id=" + checkoutId, null));
            String location = reply.header("location");
            if (reply.status() == 302 && (ReliabilityAccess.SUCCESS_URL + "?orderId=" + orderId + "&status=completed").equals(location)) {
                world.count("callback.completed");
                credited.run();
            } else if (reply.status() == 302 && (ReliabilityAccess.SUCCESS_URL + "?orderId=" + orderId + "&status=pending").equals(location)) {
                world.count("callback.pending");
            } else {
                world.violations.add("callback for paid order " + orderId + " answered " + reply.status() + " " + location);
            }
        }

        private void renewal(String key, String user) {
            Subscription subscription;
            synchronized (world.subscriptions) {
                if (world.subscriptions.isEmpty()) {
                    purchase(user, key);
                    return;
                }
                subscription = world.subscriptions.get(random.nextInt(world.subscriptions.size()));
            }
            world.count("op.renewal");
            int period = subscription.nextPeriod().getAndIncrement();
            MockEvents.Event event = MockEvents.invoicePaid(subscription.checkout(), period);
            MockCheckout checkout = subscription.checkout();
            Runnable credited = () -> {
                world.providerEffect(event.ledgerKey(), subscription.user(), subscription.credits());
                world.payment(new Payment(MockEvents.paymentRef(checkout, period), subscription.user(),
                        checkout.amount().minor(), checkout.amount().currency(), subscription.credits(), event.ledgerKey()));
            };
            List<Delivery> deliveries = new ArrayList<>();
            int copies = 1 + random.nextInt(5);
            for (int c = 0; c < copies; c++) {
                deliveries.add(new Delivery(event, credited));
            }
            send(deliveries);
        }

        private void clawback(String key, String user) {
            Payment payment;
            synchronized (world.paymentList) {
                if (world.paymentList.isEmpty()) {
                    grant(user, key);
                    return;
                }
                payment = world.paymentList.get(random.nextInt(world.paymentList.size()));
            }
            world.count("op.clawback");
            long amount = Math.max(1, payment.paidMinor() * (10 + random.nextInt(91)) / 100);
            String refundId = "mock_re_" + key;
            MockEvents.Event event = MockEvents.refundCreated(refundId, payment.paymentRef(), amount, payment.currency(),
                    payment.user());
            Runnable acknowledged = () -> world.refunds.putIfAbsent(refundId, new ProviderRefund(refundId, payment.paymentRef(), amount));
            List<Delivery> deliveries = new ArrayList<>();
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                deliveries.add(new Delivery(event, acknowledged));
            }
            send(deliveries);
        }

        private void deliverHeldBack(String user) {
            Delivery delivery = null;
            synchronized (world.heldBack) {
                if (!world.heldBack.isEmpty()) {
                    delivery = world.heldBack.remove(random.nextInt(world.heldBack.size()));
                }
            }
            if (delivery == null) {
                read(user);
                return;
            }
            world.count("op.deliverHeldBack");
            deliver(delivery);
        }

        /** Some deliveries now, in the shuffled order; about a third held back for later, out of order. */
        private void send(List<Delivery> deliveries) {
            for (Delivery delivery : deliveries) {
                if (random.nextInt(100) < 35) {
                    world.count("webhook.heldBack");
                    world.heldBack.add(delivery);
                } else {
                    deliver(delivery);
                }
            }
        }

        /** One delivery, retried by the provider until it is acknowledged (a 2xx). */
        void deliver(Delivery delivery) {
            // The mock's webhooks reach us on /api/payment/webhook/mock, or on the active provider's callback URL.
            String path = random.nextInt(5) == 0 ? "/api/payment/callback" : "/api/payment/webhook/mock";
            for (int attempt = 0; attempt < 20; attempt++) {
                Map<String, String> headers = delivery.event().headers(ReliabilityAccess.MOCK_WEBHOOK_SECRET);
                List<Http.Header> list = new ArrayList<>();
                headers.forEach((k, val) -> list.add(new Http.Header(k, val)));
                Http.Reply reply = counted(() -> http.send("POST", path, delivery.event().body(), list));
                world.count("webhook.deliveries");
                if (reply.status() == 200) {
                    if (reply.json().path("duplicate").asBoolean()) {
                        world.count("webhook.duplicates");
                    }
                    delivery.onAck().run();
                    return;
                }
                if (reply.status() == 409 && "event_in_flight".equals(reply.json().path("error").asText())
                        && reply.header("retry-after") != null) {
                    // Another worker's delivery of the same event holds the claim: not acknowledged, retried.
                    world.count("webhook.inFlight");
                    sleep(50);
                    continue;
                }
                if (reply.status() < 500) {
                    world.violations.add("webhook " + delivery.event().id() + " answered " + reply.status() + ": " + reply.body());
                    return;
                }
                world.count("webhook.retried");
                sleep(50);
            }
            world.violations.add("webhook " + delivery.event().id() + " was never acknowledged");
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
