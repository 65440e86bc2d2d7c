package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.function.callback.CallbackHandler;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.function.order.CreateOrderHandler;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Benchmark 1: DynamoDB and SQS calls, consumed capacity and log bytes per operation, through the real
 * handlers built from their environment, and what a million of each costs at AWS list prices. Every
 * operation runs on fresh inputs several times: the first {@link #CAPACITY_REPS} with
 * {@code ReturnConsumedCapacity=TOTAL} and computed capacity (these reads of item images slow the call),
 * the rest counted and timed only.
 */
final class RoundTrips {
    private static final int CAPACITY_REPS = 2;

    /** How each operation reaches AWS: through API Gateway, or from the fulfilment queue. */
    private enum Via { HTTP_API, SQS }

    private record Sample(Meter.Mode mode, Map<String, Long> calls, Map<String, Long> failures, boolean reported,
                          double reportedWrite, double reportedRead, double reportedIndex, double computedWrite,
                          double computedIndexWrite, double computedWriteIndexDoubled, double computedRead,
                          long largestItem, long uncomputed, long logBytes, long stripeCalls, long nanos) {
    }

    private final Report report;
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, Via> via = new LinkedHashMap<>();
    private Stack stack;

    RoundTrips(Report report) {
        this.report = report;
    }

    void run() {
        try (Stack s = new Stack()) {
            stack = s;
            DeductCreditsHandler app = s.deductHandler();
            CreateOrderHandler orders = s.orderHandler();
            WebhookHandler webhook = s.webhookHandler();
            FulfilmentHandler fulfilment = s.fulfilmentHandler();
            CallbackHandler callback = s.callbackHandler();
            int warmUp = Bench.count(3);
            int reps = Bench.count(10);
            for (int i = 0; i < warmUp + reps; i++) {
                Meter.Mode mode = i < warmUp ? null : i - warmUp < CAPACITY_REPS ? Meter.Mode.CAPACITY : Meter.Mode.COUNT;
                rep(i, mode, app, orders, webhook, fulfilment, callback);
            }
            summarise();
        } finally {
            Meter.stop();
        }
    }

    private void rep(int i, Meter.Mode mode, DeductCreditsHandler app, CreateOrderHandler orders, WebhookHandler webhook,
                     FulfilmentHandler fulfilment, CallbackHandler callback) {
        String tag = i + "-" + UUID.randomUUID().toString().substring(0, 6);
        String user = "rt-user-" + tag;
        Stack.expect(200, app.handleRequest(Stack.grant(user, "1000", "rt-grant0-" + tag), Stack.context("deduct-credits")));

        // The app's warm instance knows the user's balance version (it just wrote it): one TransactWriteItems.
        JsonNode deducted = Stack.json(measure("deduct (warm instance)", Via.HTTP_API, mode, () -> Stack.expect(200,
                app.handleRequest(Stack.deduct(user, "20", "rt-deduct-" + tag), Stack.context("deduct-credits")))));
        measure("refund (whole deduction)", Via.HTTP_API, mode, () -> Stack.expect(200, app.handleRequest(
                Stack.refund(deducted.get("deductionId").asText()), Stack.context("deduct-credits"))));
        measure("grant", Via.HTTP_API, mode, () -> Stack.expect(200, app.handleRequest(
                Stack.grant(user, "5", "rt-grant-" + tag), Stack.context("deduct-credits"))));
        // A new execution environment has never seen this user: it reads the balance first.
        DeductCreditsHandler fresh = stack.deductHandler();
        measure("deduct (cold instance)", Via.HTTP_API, mode, () -> Stack.expect(200, fresh.handleRequest(
                Stack.deduct(user, "1", "rt-deduct-cold-" + tag), Stack.context("deduct-credits"))));

        // One-time purchase: order, checkout paid, webhook acknowledged, queued event fulfilled, browser returns.
        Stack.Order order = measure("create-order (Stripe checkout)", Via.HTTP_API, mode,
                () -> stack.order(orders, "rt-buyer-" + tag, "trial"));
        JsonNode session = stack.stripe.markPaid(order.checkoutId());
        measure("webhook ack (checkout.session.completed)", Via.HTTP_API, mode,
                () -> stack.deliver(webhook, StripeWebhooks.checkoutSessionCompleted((ObjectNode) session)));
        fulfilOne("fulfilment: purchase", mode, fulfilment);
        measure("callback (browser return, after the webhook)", Via.HTTP_API, mode, () -> {
            APIGatewayV2HTTPResponse response = callback.handleRequest(Events.request("GET", "/api/payment/callback")
                    .header("content-type", null).query("orderId", order.orderId())
                    .query("session_id", order.checkoutId()).build(), Stack.context("callback"));
            String location = response.getHeaders() == null ? null : response.getHeaders().get("location");
            if (response.getStatusCode() != 302 || location == null || !location.contains("status=completed")) {
                throw new IllegalStateException("callback answered " + response.getStatusCode() + " " + location);
            }
            return response;
        });

        // The purchase is refunded at Stripe: refund.created claws the credits back.
        stack.deliver(webhook, StripeWebhooks.refundCreated(StripeWebhooks.id("re_"), StripeWebhooks.id("ch_"),
                session.get("payment_intent").asText(), 790, "usd"));
        fulfilOne("fulfilment: claw-back (refund.created)", mode, fulfilment);

        // A subscription (first period bought and fulfilled, not measured), then its renewal.
        Stack.Order sub = stack.order(orders, "rt-subscriber-" + tag, "basic");
        JsonNode subSession = stack.stripe.markPaid(sub.checkoutId());
        stack.deliver(webhook, StripeWebhooks.checkoutSessionCompleted((ObjectNode) subSession));
        stack.deliver(webhook, StripeWebhooks.event("invoice.paid", stack.stripe.invoice(subSession.get("invoice").asText())));
        stack.drain(fulfilment);
        long periodEnd = Instant.now().plusSeconds(60L * 86400).getEpochSecond();
        measure("webhook ack (invoice.paid)", Via.HTTP_API, mode, () -> stack.deliver(webhook, StripeWebhooks.invoicePaid(
                StripeWebhooks.id("in_"), subSession.get("subscription").asText(), subSession.path("customer").asText(),
                StripeWebhooks.id("pi_"), 1990, "usd", periodEnd,
                Map.of("orderId", sub.orderId(), "userId", sub.user(), "productId", "basic"))));
        fulfilOne("fulfilment: renewal (invoice.paid)", mode, fulfilment);
    }

    private void fulfilOne(String name, Meter.Mode mode, FulfilmentHandler fulfilment) {
        Stack.Received received = stack.receive(10);
        if (received.messages().size() != 1) {
            throw new IllegalStateException(name + ": expected one queued event, found " + received.messages().size());
        }
        SQSBatchResponse response = measure(name, Via.SQS, mode,
                () -> fulfilment.handleRequest(received.event(), Stack.context("fulfilment")));
        if (response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(name + " failed: " + received.messages().get(0).body());
        }
        stack.delete(received);
    }

    private <T> T measure(String name, Via path, Meter.Mode mode, Supplier<T> call) {
        via.put(name, path);
        if (mode == null) {
            return call.get();
        }
        int stripeBefore = stack.stripe.requests().size();
        long logBefore = Bench.LOG_BYTES.sum();
        Meter.Recording recording = Meter.start(mode);
        long started = System.nanoTime();
        T result;
        try {
            result = call.get();
        } finally {
            Meter.stop();
        }
        long nanos = System.nanoTime() - started;
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(mode, recording.calls(), recording.failures(),
                recording.capacityReported(), recording.reportedWrite(), recording.reportedRead(),
                recording.reportedIndex(), recording.computedWrite(), recording.computedIndexWrite(),
                recording.computedWriteIndexDoubled(), recording.computedRead(), recording.largestItem(),
                recording.uncomputed(), Bench.LOG_BYTES.sum() - logBefore,
                stack.stripe.requests().size() - stripeBefore, nanos));
        return result;
    }

    private void summarise() {
        ObjectNode section = report.section("roundtrips");
        section.put("prices", Prices.AS_OF);
        ArrayNode ops = section.putArray("operations");
        boolean anyReported = false;
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            String name = e.getKey();
            List<Sample> all = e.getValue();
            List<Sample> counted = all.stream().filter(s -> s.mode() == Meter.Mode.COUNT).toList();
            List<Sample> capacity = all.stream().filter(s -> s.mode() == Meter.Mode.CAPACITY).toList();
            // Calls must be the same on every repetition; say so if they were not.
            List<Map<String, Long>> distinct = all.stream().map(Sample::calls).distinct().toList();
            Map<String, Long> calls = distinct.get(0);
            long dynamo = sum(calls, "DynamoDb.");
            long sqs = sum(calls, "Sqs.");
            long transactions = calls.getOrDefault("DynamoDb.TransactWriteItems", 0L);
            long stripeCalls = all.get(0).stripeCalls();
            boolean reported = capacity.stream().allMatch(Sample::reported) && !capacity.isEmpty();
            anyReported |= capacity.stream().anyMatch(Sample::reported);
            double wru = Stats.median(capacity.stream().map(Sample::computedWrite).toList());
            double indexWru = Stats.median(capacity.stream().map(Sample::computedIndexWrite).toList());
            double rru = Stats.median(capacity.stream().map(Sample::computedRead).toList());
            double reportedW = Stats.median(capacity.stream().map(Sample::reportedWrite).toList());
            double reportedR = Stats.median(capacity.stream().map(Sample::reportedRead).toList());
            double reportedIdx = Stats.median(capacity.stream().map(Sample::reportedIndex).toList());
            double wruDoubled = Stats.median(capacity.stream().map(Sample::computedWriteIndexDoubled).toList());
            long largest = capacity.stream().mapToLong(Sample::largestItem).max().orElse(0);
            double logBytes = Stats.median(counted.stream().map(s -> (double) s.logBytes()).toList());
            double localMs = Stats.median(counted.stream().map(s -> s.nanos() / 1e6).toList());
            Via path = via.get(name);

            double assumedMs = Prices.ASSUMED_HANDLER_MS + (dynamo - transactions) * Prices.ASSUMED_DYNAMODB_ITEM_MS
                    + transactions * Prices.ASSUMED_DYNAMODB_TRANSACTION_MS + sqs * Prices.ASSUMED_SQS_MS
                    + stripeCalls * Prices.ASSUMED_STRIPE_MS;
            double apiGateway = path == Via.HTTP_API ? Prices.HTTP_API_PER_MILLION : 0;
            double lambda = Prices.LAMBDA_REQUESTS_PER_MILLION
                    + Math.ceil(assumedMs) / 1000 * Prices.LAMBDA_GB * Prices.LAMBDA_ARM64_PER_GB_SECOND * 1e6;
            double dynamoCost = wru * Prices.DYNAMODB_PER_MILLION_WRU + rru * Prices.DYNAMODB_PER_MILLION_RRU;
            double dynamoCostDoubled = wruDoubled * Prices.DYNAMODB_PER_MILLION_WRU + rru * Prices.DYNAMODB_PER_MILLION_RRU;
            double sqsRequests = sqs + (path == Via.SQS ? Prices.ESM_SQS_REQUESTS_PER_MESSAGE : 0);
            double sqsCost = sqsRequests * Prices.SQS_PER_MILLION;
            double logs = (logBytes + Prices.PLATFORM_LOG_BYTES) / 1e9 * Prices.LOGS_PER_GB * 1e6;
            double total = apiGateway + lambda + dynamoCost + sqsCost + logs;

            ObjectNode op = ops.addObject();
            op.put("operation", name);
            op.put("via", path.name());
            op.putPOJO("calls", calls);
            op.put("callsIdenticalOnEveryRepetition", distinct.size() == 1);
            if (distinct.size() > 1) {
                op.putPOJO("callsSeen", distinct);
            }
            op.putPOJO("failures", all.get(all.size() - 1).failures());
            op.put("dynamodbCalls", dynamo);
            op.put("sqsCalls", sqs);
            op.put("stripeCalls", stripeCalls);
            op.put("repetitions", all.size());
            ObjectNode cap = op.putObject("capacity");
            cap.put("reportedByDynamoDbLocal", reported);
            cap.put("reportedWriteUnits", reportedW);
            cap.put("reportedReadUnits", reportedR);
            cap.put("reportedLevel", Meter.LEVEL.toString());
            if (Meter.LEVEL.toString().equals("INDEXES")) {
                cap.put("reportedIndexUnits", reportedIdx);
            }
            cap.put("largestItemWrittenBytes", largest);
            cap.put("computedWriteUnits", wru);
            cap.put("computedWriteUnitsOfWhichIndexes", indexWru);
            cap.put("computedReadUnits", rru);
            cap.put("computedWriteUnitsIfTransactionalIndexWritesDouble", wruDoubled);
            cap.put("uncomputedWrites", capacity.stream().mapToLong(Sample::uncomputed).sum());
            op.put("logBytes", logBytes);
            op.put("localMillisP50", Stats.round(localMs, 3));
            op.put("assumedAwsMillis", Math.ceil(assumedMs));
            ObjectNode cost = op.putObject("usdPerMillion");
            cost.put("apiGateway", Stats.round(apiGateway, 3));
            cost.put("lambda", Stats.round(lambda, 3));
            cost.put("dynamodb", Stats.round(dynamoCost, 3));
            cost.put("sqs", Stats.round(sqsCost, 3));
            cost.put("logs", Stats.round(logs, 3));
            cost.put("total", Stats.round(total, 2));
            cost.put("dynamodbIfTransactionalIndexWritesDouble", Stats.round(dynamoCostDoubled, 3));
            cost.put("totalIfTransactionalIndexWritesDouble", Stats.round(total - dynamoCost + dynamoCostDoubled, 2));

            String callText = calls.entrySet().stream().map(c -> c.getValue() + "x" + c.getKey().substring(c.getKey().indexOf('.') + 1))
                    .reduce((a, b) -> a + " + " + b).orElse("none") + (stripeCalls > 0 ? " + " + stripeCalls + "x Stripe" : "");
            report.row("roundtrips", name, callText + (distinct.size() > 1 ? " (varied!)" : ""),
                    String.format("WRU %s (idx %s%s), RRU %s; DDB Local: %s/%s", fmt(wru), fmt(indexWru),
                            wruDoubled != wru ? ", " + fmt(wruDoubled) + " if tx idx x2" : "", fmt(rru),
                            fmt(reportedW), fmt(reportedR)),
                    String.format("$%.2f per 1M (DDB $%.2f, API GW $%.2f, Lambda $%.2f @%.0f ms assumed); local p50 %.2f ms",
                            total, dynamoCost, apiGateway, lambda, Math.ceil(assumedMs), localMs));
        }
        section.put("capacitySource", anyReported
                ? "DynamoDB Local reported ConsumedCapacity for some calls (see reportedWriteUnits/reportedReadUnits); "
                + "costs use the computed units (documented item-size rules, including GSI writes)"
                : "DynamoDB Local reported no ConsumedCapacity; units computed from item sizes with DynamoDB's documented rules");
        report.row("roundtrips", "capacity source", anyReported ? "DDB Local reported some; costs use computed" : "computed from item sizes",
                "", "reported vs computed in bench-results.json");
    }

    private static long sum(Map<String, Long> calls, String prefix) {
        return calls.entrySet().stream().filter(c -> c.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Stats.round(v, 2));
    }
}
