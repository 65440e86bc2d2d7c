package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.function.callback.CallbackHandler;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.function.order.CreateOrderHandler;
import dev.prepaid.function.query.CreditsQueryHandler;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.local.TemplateStack;
import dev.prepaid.local.template.LocalOverrides;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * prepaid as deployed, in this JVM (after system-tests' PaymentSystem, without the HTTP stand-in): template.yaml's
 * table and queues, every function built from its own environment as the template declares it (read through the
 * local runner's template reader), on DynamoDB Local and
 * ElasticMQ, paying through the fake Stripe API over loopback HTTP with real stripe-java and real signatures.
 */
final class Stack implements AutoCloseable {
    static final String STRIPE_WEBHOOK_SECRET = "whsec_bench_secret_0123456789";
    static final ObjectMapper MAPPER = new ObjectMapper();

    final LocalEngines engines;
    final DynamoDbClient dynamo;
    final SqsClient sqs;
    final String table;
    final String queueUrl;
    final FakeStripe stripe;
    /** template.yaml as the bench runs it: its table, queues and each function's own environment. */
    final TemplateStack template;
    /** Every function's variables together (the cold-start runs' process environment). */
    final Map<String, String> vars;
    final Env env;

    Stack() {
        engines = LocalEngines.shared();
        dynamo = TestClients.dynamo(engines.dynamoEndpoint());
        sqs = TestClients.sqs(engines.sqsEndpoint());
        Meter.sideClient(TestClients.dynamo(engines.dynamoEndpoint()));
        stripe = new FakeStripe();
        stripe.price("price_trial", 790, "usd").price("price_basic", 1990, "usd").price("price_pro", 4990, "usd");
        // template.yaml's parameters, as a deployment would give them; the keys ProviderSecrets would hold
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("PaymentProvider", "stripe");
        parameters.put("PaymentEnv", "test");
        parameters.put("SuccessUrl", "https://app.bench.test/billing/success");
        parameters.put("CancelUrl", "https://app.bench.test/billing/cancel");
        parameters.put("ReturnUrlOrigins", "https://app.bench.test");
        Map<String, String> keys = Map.of("STRIPE_SECRET_KEY", "sk_test_bench_key_000000000000",
                "STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET, "STRIPE_API_BASE", stripe.baseUrl(),
                "STRIPE_PRICE_TRIAL", "price_trial", "STRIPE_PRICE_BASIC", "price_basic", "STRIPE_PRICE_PRO", "price_pro");
        String base = "https://api.bench.test";
        template = TemplateStack.create(TemplateStack.repositoryTemplate(), parameters, base, dynamo, sqs,
                "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-", 30,
                LocalOverrides.withProviderKeys(base, engines.dynamoEndpoint().toString(), engines.sqsEndpoint().toString(), keys));
        table = template.table("LedgerTable");
        queueUrl = template.queueUrl(template.consumedQueue(template.function(FulfilmentHandler.class)));
        Map<String, String> v = new LinkedHashMap<>(template.unionEnvironment());
        v.put("AWS_REGION", "us-east-1");
        vars = Map.copyOf(v);
        env = new Env(vars);
    }

    /** The environment template.yaml gives the function {@code handler} runs in (local endpoints and keys). */
    Env envOf(Class<?> handler) {
        Map<String, String> v = new LinkedHashMap<>(template.function(handler).environment());
        v.put("AWS_REGION", "us-east-1");
        return new Env(v);
    }

    DeductCreditsHandler deductHandler() {
        return DeductCreditsHandler.fromEnv(envOf(DeductCreditsHandler.class));
    }

    CreditsQueryHandler queryHandler() {
        return CreditsQueryHandler.fromEnv(envOf(CreditsQueryHandler.class));
    }

    CreateOrderHandler orderHandler() {
        return CreateOrderHandler.fromEnv(envOf(CreateOrderHandler.class));
    }

    CallbackHandler callbackHandler() {
        return CallbackHandler.fromEnv(envOf(CallbackHandler.class));
    }

    WebhookHandler webhookHandler() {
        return WebhookHandler.fromEnv(envOf(WebhookHandler.class));
    }

    FulfilmentHandler fulfilmentHandler() {
        return FulfilmentHandler.fromEnv(envOf(FulfilmentHandler.class));
    }

    // --- events -------------------------------------------------------------------------------------

    static APIGatewayV2HTTPEvent deduct(String user, String amount, String key) {
        return Events.request("POST", "/api/credits/deduct").service("app-backend", "credits/write")
                .body("{\"userId\":\"" + user + "\",\"amount\":" + amount + ",\"idempotencyKey\":\"" + key
                        + "\",\"description\":\"video generation\"}")
                .build();
    }

    static APIGatewayV2HTTPEvent refund(String deductionId) {
        return Events.request("POST", "/api/credits/refund").service("app-backend", "credits/write")
                .body("{\"deductionId\":\"" + deductionId + "\",\"reason\":\"generation failed\"}").build();
    }

    static APIGatewayV2HTTPEvent grant(String user, String amount, String key) {
        return Events.request("POST", "/api/credits/grant").service("app-backend", "credits/admin")
                .body("{\"userId\":\"" + user + "\",\"amount\":" + amount + ",\"reason\":\"bench\",\"idempotencyKey\":\""
                        + key + "\"}")
                .build();
    }

    static APIGatewayV2HTTPEvent createOrder(String user, String product) {
        return Events.request("POST", "/api/payment/create-order").user(user)
                .body("{\"productId\":\"" + product + "\"}").build();
    }

    static APIGatewayV2HTTPEvent balance(String user) {
        return Events.request("GET", "/api/credits/balance").user(user).header("content-type", null).build();
    }

    /** A signed Stripe delivery of {@code event}, as API Gateway hands it to the webhook function. */
    static APIGatewayV2HTTPEvent stripeWebhook(ObjectNode event) {
        String payload = StripeWebhooks.json(event);
        Events.Builder builder = Events.request("POST", "/api/payment/webhook/stripe").body(payload);
        StripeWebhooks.headers(payload, STRIPE_WEBHOOK_SECRET).forEach(builder::header);
        return builder.build();
    }

    static TestContext context(String function) {
        return new TestContext(function);
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response, or an exception naming the status and body when it is not {@code expected}. */
    static APIGatewayV2HTTPResponse expect(int expected, APIGatewayV2HTTPResponse response) {
        if (response.getStatusCode() != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + response.getStatusCode() + ": "
                    + response.getBody());
        }
        return response;
    }

    // --- purchase helpers ---------------------------------------------------------------------------

    /** An order created through the real create-order handler, its checkout at the fake Stripe. */
    record Order(String user, String orderId, String checkoutId, JsonNode json) {
    }

    Order order(CreateOrderHandler handler, String user, String product) {
        JsonNode body = json(expect(201, handler.handleRequest(createOrder(user, product), context("create-order"))));
        return new Order(user, body.get("orderId").asText(), body.get("checkoutId").asText(), body);
    }

    /** Delivers a signed event to the webhook handler; it must be accepted. */
    JsonNode deliver(WebhookHandler webhook, ObjectNode event) {
        return json(expect(200, webhook.handleRequest(stripeWebhook(event), context("webhook"))));
    }

    // --- the queue, as Lambda's event source mapping sees it -----------------------------------------

    record Received(SQSEvent event, List<Message> messages) {
    }

    Received receive(int max) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
        return new Received(QueuePoller.toEvent(messages), messages);
    }

    void delete(Received received) {
        for (Message m : received.messages()) {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
    }

    /** Runs the fulfilment handler on everything queued (not measured); fails on a reported failure. */
    int drain(FulfilmentHandler fulfilment) {
        int total = 0;
        while (true) {
            Received received = receive(10);
            if (received.messages().isEmpty()) {
                return total;
            }
            SQSBatchResponse response = fulfilment.handleRequest(received.event(), context("fulfilment"));
            if (response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("fulfilment failed: " + received.messages().get(0).body());
            }
            delete(received);
            total += received.messages().size();
        }
    }

    void purgeQueue() {
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
    }

    // --- reading the table (verification, never measured) ------------------------------------------

    BigDecimal balanceOf(String user) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))).item();
        return item == null || item.isEmpty() ? BigDecimal.ZERO : new BigDecimal(item.get("balance").n()).movePointLeft(2);
    }

    /** Every ledger entry of a user (a consistent scan: the test needs all, not the GSI's eventual view). */
    List<Map<String, AttributeValue>> entriesOf(String user) {
        List<Map<String, AttributeValue>> result = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var response = dynamo.scan(b -> {
                b.tableName(table).consistentRead(true)
                        .filterExpression("begins_with(pk, :entry) AND userId = :user")
                        .expressionAttributeValues(Map.of(":entry", AttributeValue.fromS("ENTRY#"),
                                ":user", AttributeValue.fromS(user)));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            result.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return result;
    }

    @Override
    public void close() {
        stripe.close();
    }
}
