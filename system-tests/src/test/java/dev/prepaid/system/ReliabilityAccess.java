package dev.prepaid.system;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.testing.ApiGatewayStandIn;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.creem.FakeCreem;
import dev.prepaid.testing.stripe.FakeStripe;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A public door into {@link PaymentSystem} for the reliability suite ({@code dev.prepaid.system.reliability}):
 * the same system, wired the same way, its parts made reachable from another package. It adds no behaviour.
 */
public final class ReliabilityAccess implements AutoCloseable {
    public static final String STRIPE_WEBHOOK_SECRET = PaymentSystem.STRIPE_WEBHOOK_SECRET;
    public static final String CREEM_WEBHOOK_SECRET = PaymentSystem.CREEM_WEBHOOK_SECRET;
    public static final String MOCK_WEBHOOK_SECRET = PaymentSystem.MOCK_WEBHOOK_SECRET;
    public static final String SUCCESS_URL = PaymentSystem.SUCCESS_URL;
    public static final String CANCEL_URL = PaymentSystem.CANCEL_URL;

    private final PaymentSystem system;

    /** @param provider {@code stripe}, {@code creem} or {@code mock} */
    public ReliabilityAccess(String provider) {
        this.system = new PaymentSystem(provider);
    }

    public String provider() {
        return system.provider;
    }

    /** Where the API Gateway stand-in listens. */
    public URI baseUrl() {
        return system.gateway.baseUrl();
    }

    /** The API Gateway stand-in itself, to add a route the system does not wire (the operator routes). */
    public ApiGatewayStandIn gateway() {
        return system.gateway;
    }

    public DynamoDbClient dynamo() {
        return system.dynamo;
    }

    public SqsClient sqs() {
        return system.sqs;
    }

    public String table() {
        return system.table;
    }

    public String queueUrl() {
        return system.queueUrl;
    }

    public String dlqUrl() {
        return system.dlqUrl;
    }

    /** The environment every function was wired from. */
    public Env env() {
        return system.env;
    }

    /** The mock provider (its checkouts and hosted-page actions), or null for Stripe and Creem. */
    public MockPaymentProvider mock() {
        return system.mock;
    }

    public FakeStripe stripe() {
        return system.stripe;
    }

    public FakeCreem creem() {
        return system.creem;
    }

    /** The fulfilment queue's consumer, as Lambda's SQS event source mapping would run it. */
    public QueuePoller poller() {
        return system.poller;
    }

    public List<ApiGatewayHandler> httpHandlers() {
        return system.httpHandlers;
    }

    public int drain() {
        return system.drain();
    }

    public int queueDepth() {
        return system.queueDepth();
    }

    public String tableSnapshot() {
        return system.tableSnapshot();
    }

    /** The stand-in's identity provider: "Bearer user:alice" is alice, "Bearer service:app" has scope credits/write. */
    public static Map<String, String> testTokens(Map<String, String> headers) {
        return PaymentSystem.testTokens(headers);
    }

    @Override
    public void close() {
        system.close();
    }
}
