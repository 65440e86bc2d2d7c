package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Benchmark 3: 16 concurrent callers deducting 0.01 from ONE user's balance for a fixed time. Each caller is
 * its own execution environment (own handler instance, own client, own balance cache), as 16 concurrent
 * Lambda instances would be, so they really race on the balance item's version. Reported: accepted deducts
 * per second (against one caller alone on one user, same handler, measured just before), contention
 * retries (transactions cancelled and tried again), and the proof that nothing overdrew: the final balance
 * equals the start minus the accepted sum, the ledger sums to the balance, and the version chain has no gap.
 * A second phase starts with 3.00 credits and lets the 16 callers race until every one has been refused:
 * exactly 300 deducts may go through.
 */
final class HotUser {
    private static final int CALLERS = 16;

    private final Report report;

    HotUser(Report report) {
        this.report = report;
    }

    record Phase(long accepted, Map<Integer, Long> statuses, double seconds, double[] latenciesMs, Meter.Recording recording) {
    }

    void run() throws Exception {
        double seconds = Bench.seconds(10);
        double referenceSeconds = Bench.seconds(4);
        String run = UUID.randomUUID().toString().substring(0, 6);
        ObjectNode section = report.section("hotuser");
        try (Stack s = new Stack()) {
            DeductCreditsHandler admin = s.deductHandler();
            BigDecimal start = new BigDecimal("100000.00");

            // Reference: one caller alone on one user (no contention), same handler, same amount.
            String solo = "hot-solo-" + run;
            grant(admin, solo, start);
            Phase reference;

            // The ways of handling a lost race (DynamoLedgerStore.HotMode), each against a solo run just before it,
            // in this process: -Dprepaid.bench.hotModes=QUEUE,RETRY (the default); the store's default mode last.
            ObjectNode alternatives = section.putObject("alternatives");
            for (String mode : System.getProperty("prepaid.bench.hotModes", "QUEUE,RETRY").split(",")) {
                if (mode.isBlank()) {
                    continue;
                }
                dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore.benchmarkHotMode(mode.trim());
                String soloAlt = "hot-solo-" + mode.trim().toLowerCase() + "-" + run;
                grant(admin, soloAlt, start);
                Phase soloPhase = race(s, soloAlt, 1, referenceSeconds, false);
                String hotAlt = "hot-user-" + mode.trim().toLowerCase() + "-" + run;
                grant(admin, hotAlt, start);
                Phase alt = race(s, hotAlt, CALLERS, seconds, false);
                Proof altProof = prove(s, hotAlt, start, alt.accepted());
                double ratio = (alt.accepted() / alt.seconds()) / (soloPhase.accepted() / soloPhase.seconds());
                ObjectNode a = alternatives.putObject(mode.trim());
                a.put("ratioHotToSolo", Stats.round(ratio, 3));
                a.put("acceptedPerSecond", Stats.round(alt.accepted() / alt.seconds(), 1));
                a.put("soloAcceptedPerSecond", Stats.round(soloPhase.accepted() / soloPhase.seconds(), 1));
                a.putPOJO("statuses", alt.statuses());
                a.put("transactWriteItemsCalls", alt.recording().calls("DynamoDb.TransactWriteItems"));
                a.putPOJO("dynamoCalls", alt.recording().calls());
                a.put("latencyP50Ms", Stats.round(Stats.percentile(alt.latenciesMs(), 50), 2));
                a.put("latencyP99Ms", Stats.round(Stats.percentile(alt.latenciesMs(), 99), 2));
                a.set("proof", altProof.json());
                report.row("hotuser", "mode " + mode.trim() + ": 16 callers / 1 caller", String.format("%.2f", ratio),
                        String.format("%.0f/s vs %.0f/s solo", alt.accepted() / alt.seconds(), soloPhase.accepted() / soloPhase.seconds()),
                        String.format("p50 %.1f ms p99 %.1f ms; statuses %s; calls %s; %s", Stats.percentile(alt.latenciesMs(), 50),
                                Stats.percentile(alt.latenciesMs(), 99), alt.statuses(), alt.recording().calls(),
                                altProof.ok() ? "proof ok" : "PROOF FAILED"));
                if (!altProof.ok()) {
                    report.problem("hot user, mode " + mode + ": " + altProof.summary());
                }
            }
            dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore.benchmarkHotMode(System.getProperty("prepaid.ledger.hotMode", "BACKOFF"));

            String hot = "hot-user-" + run;
            grant(admin, hot, start);
            reference = race(s, solo, 1, referenceSeconds, false); // the solo figure next to the design's run
            Phase racing = race(s, hot, CALLERS, seconds, false);
            Proof proof = prove(s, hot, start, racing.accepted());

            // Exhaustion: 3.00 credits, 16 callers, each stops at its first refusal.
            String dry = "hot-dry-" + run;
            BigDecimal small = new BigDecimal("3.00");
            grant(admin, dry, small);
            Phase exhaust = race(s, dry, CALLERS, 120, true);
            Proof dryProof = prove(s, dry, small, exhaust.accepted());

            double soloRate = reference.accepted() / reference.seconds();
            double hotRate = racing.accepted() / racing.seconds();
            Meter.Recording rec = racing.recording();
            long transactions = rec.calls("DynamoDb.TransactWriteItems");
            long cancelled = rec.failuresMatching("TransactWriteItems: TransactionCanceledException");
            long versionConflicts = rec.failuresMatching("[ConditionalCheckFailed, None]");
            long transactionConflicts = rec.failuresMatching("TransactionConflict");
            long retries = transactions - racing.accepted();

            section.put("callers", CALLERS);
            section.put("seconds", Stats.round(racing.seconds(), 2));
            section.put("amount", "0.01");
            section.put("acceptedDeducts", racing.accepted());
            section.put("acceptedPerSecond", Stats.round(hotRate, 1));
            section.put("soloAcceptedPerSecond", Stats.round(soloRate, 1));
            section.put("ratioHotToSolo", Stats.round(hotRate / soloRate, 3));
            section.putPOJO("statuses", racing.statuses());
            section.put("transactWriteItemsCalls", transactions);
            section.put("contentionRetries", retries);
            section.put("retriesPerAcceptedDeduct", Stats.round((double) retries / racing.accepted(), 3));
            section.put("cancelledTransactions", cancelled);
            section.put("cancelledOnVersion", versionConflicts);
            section.put("cancelledOnTransactionConflict", transactionConflicts);
            section.putPOJO("dynamoCalls", rec.calls());
            section.putPOJO("failures", rec.failures());
            section.put("latencyP50Ms", Stats.round(Stats.percentile(racing.latenciesMs(), 50), 2));
            section.put("latencyP99Ms", Stats.round(Stats.percentile(racing.latenciesMs(), 99), 2));
            section.put("soloLatencyP50Ms", Stats.round(Stats.percentile(reference.latenciesMs(), 50), 2));
            section.set("proof", proof.json());
            ObjectNode ex = section.putObject("exhaustion");
            ex.put("startBalance", small.toPlainString());
            ex.put("acceptedDeducts", exhaust.accepted());
            ex.putPOJO("statuses", exhaust.statuses());
            ex.put("expectedAccepted", 300);
            ex.set("proof", dryProof.json());

            section.putPOJO("racingDynamoCalls", rec.calls());
            report.row("hotuser", "16 callers on one user: accepted / s vs 1 caller", String.format("%.2f", hotRate / soloRate),
                    String.format("%.0f/s vs %.0f/s solo", hotRate, soloRate),
                    String.format("%d accepted in %.1f s; p50 %.1f ms p99 %.1f ms", racing.accepted(), racing.seconds(),
                            Stats.percentile(racing.latenciesMs(), 50), Stats.percentile(racing.latenciesMs(), 99)));
            report.row("hotuser", "contention retries (cancelled transactions)", Long.toString(retries),
                    String.format("%.2f per accepted", (double) retries / racing.accepted()),
                    String.format("%d on version, %d TransactionConflict; statuses %s", versionConflicts,
                            transactionConflicts, racing.statuses()));
            report.row("hotuser", "no overdraft (balance == start - accepted, ledger == balance)", proof.ok() ? "proved" : "FAILED",
                    proof.summary(), "consistent scan of every entry: sum, seq chain, balanceAfter chain");
            report.row("hotuser", "exhaustion: 3.00 credits, 16 callers, 0.01 each", exhaust.accepted() + " accepted",
                    "expected 300", (dryProof.ok() && exhaust.accepted() == 300 ? "proved: " : "FAILED: ") + dryProof.summary()
                            + "; statuses " + exhaust.statuses());
            if (!proof.ok()) {
                report.problem("hot user: " + proof.summary());
            }
            if (!dryProof.ok() || exhaust.accepted() != 300) {
                report.problem("hot user exhaustion: accepted " + exhaust.accepted() + ", " + dryProof.summary());
            }
        }
    }

    private static void grant(DeductCreditsHandler admin, String user, BigDecimal amount) {
        Stack.expect(200, admin.handleRequest(Stack.grant(user, amount.toPlainString(), user + "-funds"),
                Stack.context("deduct-credits")));
    }

    /**
     * {@code callers} handler instances deduct 0.01 from {@code user} until the time is up (or, when
     * {@code untilRefused}, until each has had a 402). Recorded by the meter while it runs.
     */
    private static Phase race(Stack s, String user, int callers, double seconds, boolean untilRefused) throws Exception {
        List<DeductCreditsHandler> instances = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            instances.add(s.deductHandler());
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        List<List<Double>> latencies = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            DeductCreditsHandler handler = instances.get(i);
            List<Double> mine = new ArrayList<>();
            latencies.add(mine);
            String prefix = user + "-c" + i + "-";
            done.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                long n = 0;
                long last;
                do {
                    long t = System.nanoTime();
                    APIGatewayV2HTTPResponse response = handler.handleRequest(Stack.deduct(user, "0.01", prefix + n++),
                            Stack.context("deduct-credits"));
                    last = System.nanoTime();
                    int status = response.getStatusCode();
                    statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                    if (status == 200) {
                        mine.add((last - t) / 1e6);
                    } else if (status == 402 && untilRefused) {
                        break;
                    } else if (status != 503 && status != 402) {
                        throw new IllegalStateException("deduct answered " + status + ": " + response.getBody());
                    }
                } while (last < deadline[0]);
                return last;
            }));
        }
        ready.await();
        Meter.Recording recording = Meter.start(Meter.Mode.COUNT);
        long started = System.nanoTime();
        deadline[0] = started + (long) (seconds * 1e9);
        go.countDown();
        long end = started;
        try {
            for (Future<Long> f : done) {
                end = Math.max(end, f.get());
            }
        } finally {
            Meter.stop();
            pool.shutdownNow();
        }
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        double[] all = latencies.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).toArray();
        return new Phase(counts.getOrDefault(200, 0L), counts, (end - started) / 1e9, all, recording);
    }

    record Proof(boolean ok, String summary, ObjectNode json) {
    }

    /** Reads back everything (consistent reads) and checks the ledger against the balance and the counts. */
    private static Proof prove(Stack s, String user, BigDecimal start, long accepted) {
        BigDecimal balance = s.balanceOf(user);
        List<Map<String, AttributeValue>> entries = new ArrayList<>(s.entriesOf(user));
        entries.sort(Comparator.comparingLong(e -> Long.parseLong(e.get("seq").n())));
        long sum = 0;
        long previous = 0;
        long minBalanceAfter = Long.MAX_VALUE;
        boolean chain = true;
        long usage = 0;
        for (int i = 0; i < entries.size(); i++) {
            Map<String, AttributeValue> e = entries.get(i);
            long amount = Long.parseLong(e.get("amount").n());
            long after = Long.parseLong(e.get("balanceAfter").n());
            long seq = Long.parseLong(e.get("seq").n());
            chain &= seq == i + 1 && after == previous + amount;
            previous = after;
            sum += amount;
            minBalanceAfter = Math.min(minBalanceAfter, after);
            if ("usage".equals(e.get("type").s())) {
                usage++;
            }
        }
        BigDecimal expected = start.subtract(new BigDecimal("0.01").multiply(BigDecimal.valueOf(accepted)));
        BigDecimal ledger = BigDecimal.valueOf(sum, 2);
        boolean ok = balance.compareTo(expected) == 0 && ledger.compareTo(balance) == 0 && chain
                && usage == accepted && minBalanceAfter >= 0;
        ObjectNode json = Stack.MAPPER.createObjectNode();
        json.put("startBalance", start.toPlainString());
        json.put("finalBalance", balance.toPlainString());
        json.put("startMinusAccepted", expected.toPlainString());
        json.put("ledgerSum", ledger.toPlainString());
        json.put("entries", entries.size());
        json.put("usageEntries", usage);
        json.put("seqAndBalanceChainIntact", chain);
        json.put("lowestBalanceAfter", BigDecimal.valueOf(minBalanceAfter, 2).toPlainString());
        json.put("ok", ok);
        String summary = String.format("final %s = %s - %d x 0.01; ledger sum %s; %d entries, chain %s, lowest %s",
                balance.toPlainString(), start.toPlainString(), accepted, ledger.toPlainString(), entries.size(),
                chain ? "intact" : "BROKEN", BigDecimal.valueOf(minBalanceAfter, 2).toPlainString());
        return new Proof(ok, summary, json);
    }
}
