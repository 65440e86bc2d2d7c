package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.net.Webhook;
import dev.prepaid.adapter.out.provider.stripe.StripePaymentProvider;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Benchmark 5: how long the webhook function takes to acknowledge a signed Stripe event (verify the
 * signature, claim the event id, enqueue, mark accepted), each event with a new id, against ElasticMQ and
 * DynamoDB Local; beside it the same three calls from bare SDK clients (the I/O the acknowledgement cannot
 * avoid) and the signature check alone ({@code Webhook.constructEvent}, and the provider's whole
 * {@code parseWebhook}) on the same payload. Handler and bare calls alternate in blocks, so both see the
 * same machine.
 */
final class WebhookAck {
    private static final int BLOCK = 50;

    private final Report report;

    WebhookAck(Report report) {
        this.report = report;
    }

    void run() throws Exception {
        try (Stack s = new Stack()) {
            WebhookHandler webhook = s.webhookHandler();
            StripePaymentProvider provider = StripePaymentProvider.fromEnv(s.envOf(WebhookHandler.class), ProductCatalog.defaults());
            int warmUp = Bench.count(200);
            int measured = Bench.count(1000);
            // Stripe signs; we only verify. Every delivery is prepared (and signed now) before the clock runs.
            List<APIGatewayV2HTTPEvent> events = new ArrayList<>();
            for (int i = 0; i < warmUp + measured; i++) {
                ObjectNode event = StripeWebhooks.checkoutSessionCompleted(StripeWebhooks.id("cs_"), "ord_bench_" + i,
                        StripeWebhooks.id("pi_"), 790, "usd");
                events.add(Stack.stripeWebhook(event));
            }
            int payloadBytes = events.get(0).getBody().getBytes(StandardCharsets.UTF_8).length;

            DynamoDbClient bareDynamo = TestClients.dynamo(s.engines.dynamoEndpoint());
            SqsClient bareSqs = TestClients.sqs(s.engines.sqsEndpoint());
            // The message body the handler really enqueues, for the bare path to send the same bytes.
            ack(webhook, events.get(0));
            String sampleBody = s.receive(1).messages().get(0).body();

            long[] handler = new long[measured];
            long[] bare = new long[measured];
            int h = 0;
            int b = 0;
            int next = 1;
            for (int i = 1; i < warmUp; i++) {
                ack(webhook, events.get(next++));
                bareIo(bareDynamo, bareSqs, s, "evt_warm_" + i, sampleBody);
            }
            while (h < measured) {
                boolean handlerFirst = (h / BLOCK) % 2 == 0;
                for (int pass = 0; pass < 2; pass++) {
                    if ((pass == 0) == handlerFirst) {
                        for (int k = 0; k < BLOCK && h < measured; k++) {
                            APIGatewayV2HTTPEvent event = events.get(next++);
                            long t = System.nanoTime();
                            ack(webhook, event);
                            handler[h++] = System.nanoTime() - t;
                        }
                    } else {
                        for (int k = 0; k < BLOCK && b < measured; k++) {
                            String id = "evt_bare_" + b;
                            long t = System.nanoTime();
                            bareIo(bareDynamo, bareSqs, s, id, sampleBody);
                            bare[b++] = System.nanoTime() - t;
                        }
                    }
                }
            }
            s.purgeQueue();

            // The signature check alone, on one of the same payloads (still inside Stripe's 300 s tolerance).
            String payload = events.get(1).getBody();
            String signature = events.get(1).getHeaders().get("stripe-signature");
            Map<String, String> headers = new HashMap<>(events.get(1).getHeaders());
            byte[] raw = payload.getBytes(StandardCharsets.UTF_8);
            int sigWarm = Bench.count(5000);
            int sigMeasured = Bench.count(20000);
            long[] construct = new long[sigMeasured];
            long[] parse = new long[sigMeasured];
            for (int i = 0; i < sigWarm; i++) {
                Webhook.constructEvent(payload, signature, Stack.STRIPE_WEBHOOK_SECRET, 300);
                provider.parseWebhook(headers, raw);
            }
            for (int i = 0; i < sigMeasured; i++) {
                long t = System.nanoTime();
                Webhook.constructEvent(payload, signature, Stack.STRIPE_WEBHOOK_SECRET, 300);
                construct[i] = System.nanoTime() - t;
                t = System.nanoTime();
                provider.parseWebhook(headers, raw);
                parse[i] = System.nanoTime() - t;
            }
            summarise(payloadBytes, handler, bare, construct, parse);
        }
    }

    private static void ack(WebhookHandler webhook, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = Stack.expect(200, webhook.handleRequest(event, Stack.context("webhook")));
        if (!response.getBody().contains("\"queued\":1")) {
            throw new IllegalStateException("the event was not queued: " + response.getBody());
        }
    }

    /** The three calls of an acknowledgement, as the inbox and the queue adapter make them, from bare clients. */
    private static void bareIo(DynamoDbClient dynamo, SqsClient sqs, Stack s, String eventId, String body) {
        long now = Instant.now().getEpochSecond();
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("EVENT#stripe#" + eventId),
                "sk", AttributeValue.fromS("EVENT"));
        dynamo.updateItem(r -> r.tableName(s.table).key(key)
                .updateExpression("SET #state = :claimed, leaseUntil = :lease, eventType = :type, #ttl = :ttl")
                .conditionExpression("attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)")
                .expressionAttributeNames(Map.of("#state", "state", "#ttl", "expiresAt"))
                .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"),
                        ":lease", AttributeValue.fromN(Long.toString(now + 60)),
                        ":type", AttributeValue.fromS("checkout.session.completed"),
                        ":ttl", AttributeValue.fromN(Long.toString(now + 30L * 86400)),
                        ":now", AttributeValue.fromN(Long.toString(now)))));
        sqs.sendMessage(r -> r.queueUrl(s.queueUrl).messageBody(body).messageAttributes(Map.of(
                "provider", MessageAttributeValue.builder().dataType("String").stringValue("stripe").build(),
                "eventType", MessageAttributeValue.builder().dataType("String").stringValue("checkout.session.completed").build())));
        dynamo.updateItem(r -> r.tableName(s.table).key(key)
                .updateExpression("SET #state = :accepted REMOVE leaseUntil")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":accepted", AttributeValue.fromS("accepted"))));
    }

    private void summarise(int payloadBytes, long[] handlerNanos, long[] bareNanos, long[] constructNanos, long[] parseNanos) {
        double[] handler = Stats.toMillis(handlerNanos);
        double[] bare = Stats.toMillis(bareNanos);
        double[] construct = Stats.toMillis(constructNanos);
        double[] parse = Stats.toMillis(parseNanos);
        double hp50 = Stats.percentile(handler, 50);
        double hp99 = Stats.percentile(handler, 99);
        double bp50 = Stats.percentile(bare, 50);
        double bp99 = Stats.percentile(bare, 99);
        double cp50 = Stats.percentile(construct, 50);
        double cp99 = Stats.percentile(construct, 99);
        double pp50 = Stats.percentile(parse, 50);
        double pp99 = Stats.percentile(parse, 99);

        ObjectNode section = report.section("webhook");
        section.put("payloadBytes", payloadBytes);
        section.put("acknowledgements", handler.length);
        section.put("signatureChecks", construct.length);
        ObjectNode ack = section.putObject("webhookHandlerMillis");
        ack.put("p50", Stats.round(hp50, 3));
        ack.put("p99", Stats.round(hp99, 3));
        ack.put("max", Stats.round(Stats.max(handler), 3));
        ObjectNode io = section.putObject("bareSdkSameThreeCallsMillis");
        io.put("p50", Stats.round(bp50, 3));
        io.put("p99", Stats.round(bp99, 3));
        ObjectNode sig = section.putObject("constructEventMillis");
        sig.put("p50", Stats.round(cp50, 4));
        sig.put("p99", Stats.round(cp99, 4));
        ObjectNode pw = section.putObject("parseWebhookMillis");
        pw.put("p50", Stats.round(pp50, 4));
        pw.put("p99", Stats.round(pp99, 4));
        section.put("ratioP50HandlerToBareIo", Stats.round(hp50 / bp50, 3));
        section.put("ratioP99HandlerToBareIo", Stats.round(hp99 / bp99, 3));
        section.put("shareOfP50InSignatureCheck", Stats.round(cp50 / hp50, 4));
        section.put("shareOfP50InParseWebhook", Stats.round(pp50 / hp50, 4));

        report.row("webhook", "ack p50 / bare I/O p50", String.format("%.2f", hp50 / bp50),
                String.format("%.2f ms vs %.2f ms", hp50, bp50), "verify + claim + enqueue + accept, new event id each");
        report.row("webhook", "ack p99 / bare I/O p99", String.format("%.2f", hp99 / bp99),
                String.format("%.2f ms vs %.2f ms", hp99, bp99), handler.length + " acks, " + payloadBytes + " B payload");
        report.row("webhook", "signature check share of ack p50", String.format("%.2f%%", 100 * cp50 / hp50),
                String.format("constructEvent p50 %.3f ms, p99 %.3f ms", cp50, cp99), "Webhook.constructEvent alone");
        report.row("webhook", "parseWebhook share of ack p50", String.format("%.2f%%", 100 * pp50 / hp50),
                String.format("parseWebhook p50 %.3f ms, p99 %.3f ms", pp50, pp99), "verify + JSON + map to PaymentEvent");
    }
}
