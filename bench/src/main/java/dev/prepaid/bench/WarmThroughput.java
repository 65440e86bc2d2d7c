package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.testing.TestClients;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Benchmark 2: deducts per second through the real {@link DeductCreditsHandler} (API Gateway v2 event in,
 * response out, logging included) divided by raw {@code TransactWriteItems} per second of the same two
 * items (the balance update under its version condition, the entry put under attribute_not_exists, the
 * same attributes and sizes) from a bare SDK client, at 1, 4 and 16 concurrent callers. Each caller is its
 * own execution environment (its own handler instance, or its own bare client) on its own user, so the
 * figure is overhead, not contention.
 *
 * <p>This machine is shared and its load comes in bursts of seconds, so a round is four short slices in
 * ABBA order (handler, raw, raw, handler; the next round raw first): both sides see the same burst, and a
 * linear drift cancels. The figure is the median of the rounds' ratios.
 */
final class WarmThroughput {
    private static final int[] LEVELS = {1, 4, 16};
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    interface Caller {
        void call();
    }

    private final Report report;

    WarmThroughput(Report report) {
        this.report = report;
    }

    void run() throws Exception {
        int rounds = Bench.count(12);
        double phase = Bench.quick ? 0.25 : 0.5;
        double warm = Bench.seconds(2);
        ObjectNode section = report.section("throughput");
        section.put("rounds", rounds);
        section.put("sliceSeconds", phase);
        section.put("order", "ABBA slices per round (handler, raw, raw, handler; next round raw first)");
        section.put("warmUpSeconds", warm);
        section.put("target", "handler/raw >= 0.9");
        ArrayNode levels = section.putArray("levels");
        try (Stack s = new Stack()) {
            Map<String, AttributeValue> template = entryTemplate(s);
            String run = UUID.randomUUID().toString().substring(0, 6);
            for (int level : LEVELS) {
                List<Caller> handlers = new ArrayList<>();
                List<Caller> raws = new ArrayList<>();
                for (int i = 0; i < level; i++) {
                    handlers.add(new HandlerCaller(s.deductHandler(), "tp-h-" + run + "-" + level + "-" + i));
                    raws.add(new RawCaller(TestClients.dynamo(s.engines.dynamoEndpoint()), s.table,
                            "tp-r-" + run + "-" + level + "-" + i, template));
                }
                ExecutorService pool = Executors.newFixedThreadPool(level);
                try {
                    phase(pool, handlers, warm);
                    phase(pool, raws, warm);
                    double[] ratios = new double[rounds];
                    double[] handlerRates = new double[rounds];
                    double[] rawRates = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        if (r % 2 == 0) {
                            double h1 = phase(pool, handlers, phase);
                            double r1 = phase(pool, raws, phase);
                            double r2 = phase(pool, raws, phase);
                            handlerRates[r] = (h1 + phase(pool, handlers, phase)) / 2;
                            rawRates[r] = (r1 + r2) / 2;
                        } else {
                            double r1 = phase(pool, raws, phase);
                            double h1 = phase(pool, handlers, phase);
                            double h2 = phase(pool, handlers, phase);
                            rawRates[r] = (r1 + phase(pool, raws, phase)) / 2;
                            handlerRates[r] = (h1 + h2) / 2;
                        }
                        ratios[r] = handlerRates[r] / rawRates[r];
                        Bench.progress(String.format("   %2d callers round %d: handler %.0f/s raw %.0f/s ratio %.3f",
                                level, r + 1, handlerRates[r], rawRates[r], ratios[r]));
                    }
                    double median = Stats.median(ratios);
                    ObjectNode node = levels.addObject();
                    node.put("callers", level);
                    node.put("medianRatio", Stats.round(median, 3));
                    node.put("minRatio", Stats.round(Stats.min(ratios), 3));
                    node.put("maxRatio", Stats.round(Stats.max(ratios), 3));
                    node.putPOJO("ratios", round(ratios));
                    node.putPOJO("handlerDeductsPerSecond", round(handlerRates));
                    node.putPOJO("rawTransactionsPerSecond", round(rawRates));
                    node.put("meetsTarget", median >= 0.9);
                    report.row("throughput", level + " caller" + (level == 1 ? "" : "s") + ": handler / raw TransactWriteItems",
                            String.format("%.3f", median), ">= 0.9 " + (median >= 0.9 ? "(met)" : "(NOT met)"),
                            String.format("median of %d rounds (min %.3f, max %.3f); %.0f vs %.0f per s", rounds,
                                    Stats.min(ratios), Stats.max(ratios), Stats.median(handlerRates), Stats.median(rawRates)));
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static double[] round(double[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Stats.round(values[i], 3);
        }
        return result;
    }

    /** Runs every caller on its own thread for {@code seconds}; returns completed calls per second. */
    static double phase(ExecutorService pool, List<Caller> callers, double seconds) throws Exception {
        CountDownLatch ready = new CountDownLatch(callers.size());
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<long[]>> results = new ArrayList<>();
        for (Caller caller : callers) {
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                long count = 0;
                long end = deadline[0];
                long now;
                do {
                    caller.call();
                    count++;
                    now = System.nanoTime();
                } while (now < end);
                return new long[] {count, now};
            }));
        }
        ready.await();
        long started = System.nanoTime();
        deadline[0] = started + (long) (seconds * 1e9);
        go.countDown();
        long total = 0;
        long last = started;
        for (Future<long[]> f : results) {
            long[] r = f.get();
            total += r[0];
            last = Math.max(last, r[1]);
        }
        return total / ((last - started) / 1e9);
    }

    /** The real handler, one deduct of 0.01 per call, each with a new idempotency key. */
    static final class HandlerCaller implements Caller {
        private final DeductCreditsHandler handler;
        private final String user;
        private long n;

        HandlerCaller(DeductCreditsHandler handler, String user) {
            this.handler = handler;
            this.user = user;
            // Funds, and this instance now knows the balance version: deducts are one TransactWriteItems.
            Stack.expect(200, handler.handleRequest(Stack.grant(user, "1000000", user + "-funds"), Stack.context("deduct-credits")));
        }

        @Override
        public void call() {
            APIGatewayV2HTTPResponse response = handler.handleRequest(Stack.deduct(user, "0.01", user + "-" + n++),
                    Stack.context("deduct-credits"));
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("deduct answered " + response.getStatusCode() + ": " + response.getBody());
            }
        }
    }

    /**
     * The reference: the store's two transaction items written by hand from a bare client, tracking the
     * version locally. Same update expression and conditions, the same entry attributes and sizes.
     */
    static final class RawCaller implements Caller {
        private final DynamoDbClient dynamo;
        private final String table;
        private final String user;
        private final Map<String, AttributeValue> template;
        private long seq;
        private long balance;

        RawCaller(DynamoDbClient dynamo, String table, String user, Map<String, AttributeValue> template) {
            this.dynamo = dynamo;
            this.table = table;
            this.user = user;
            this.template = template;
            this.balance = 100_000_000;
            write(0, 0); // the first posting creates the balance item
        }

        @Override
        public void call() {
            write(-1, seq);
        }

        private void write(long amount, long expectedSeq) {
            long next = expectedSeq + 1;
            long after = balance + amount;
            Instant now = Instant.now();
            String ts = TIMESTAMP.format(now);
            String sequence = String.format("%020d", next);
            String key = user + "-raw-" + next;
            Map<String, AttributeValue> item = new HashMap<>(template);
            item.put("pk", s("ENTRY#usage#" + key));
            item.put("entryId", s("usage#" + key));
            item.put("idempotencyKey", s(key));
            item.put("userId", s(user));
            item.put("gsi1pk", s("USER#" + user + "#LEDGER"));
            item.put("gsi1sk", s(sequence));
            item.put("gsi2pk", s("USER#" + user + "#TYPE#usage"));
            item.put("gsi2sk", s(ts + "#" + sequence));
            item.put("amount", n(amount));
            item.put("balanceAfter", n(after));
            item.put("seq", n(next));
            item.put("createdAt", s(ts));
            Map<String, String> names = Map.of("#balance", "balance", "#seq", "seq", "#g4pk", "gsi4pk", "#g4sk", "gsi4sk");
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":after", n(after));
            values.put(":next", n(next));
            values.put(":now", s(ts));
            values.put(":user", s(user));
            values.put(":changedPk", s(LedgerTable.changedPk(now, user)));
            values.put(":changedSk", s(ts + "#" + user));
            String condition;
            if (expectedSeq == 0) {
                condition = "attribute_not_exists(pk)";
            } else {
                values.put(":seq", n(expectedSeq));
                condition = "#seq = :seq";
            }
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(table)
                            .key(Map.of("pk", s("USER#" + user), "sk", s("BALANCE")))
                            .updateExpression("SET #balance = :after, #seq = :next, updatedAt = :now, userId = :user, "
                                    + "#g4pk = :changedPk, #g4sk = :changedSk")
                            .conditionExpression(condition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                            .build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(pk)")
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                            .build()).build()));
            seq = next;
            balance = after;
        }
    }

    /** An entry exactly as the handler writes one (read back from the table), to copy the raw entries from. */
    private static Map<String, AttributeValue> entryTemplate(Stack s) {
        DeductCreditsHandler probe = s.deductHandler();
        String user = "tp-template-" + UUID.randomUUID().toString().substring(0, 6);
        Stack.expect(200, probe.handleRequest(Stack.grant(user, "100", user + "-g"), Stack.context("deduct-credits")));
        String deductionId = Stack.json(Stack.expect(200, probe.handleRequest(Stack.deduct(user, "0.01", user + "-d"),
                Stack.context("deduct-credits")))).get("deductionId").asText();
        Map<String, AttributeValue> item = s.dynamo.getItem(b -> b.tableName(s.table).consistentRead(true)
                .key(Map.of("pk", s("ENTRY#" + deductionId), "sk", s("ENTRY")))).item();
        if (item == null || item.isEmpty()) {
            throw new IllegalStateException("no entry " + deductionId);
        }
        return Map.copyOf(item);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
