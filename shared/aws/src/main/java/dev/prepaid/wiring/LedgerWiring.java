package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.port.out.AppEventNotifier;
import java.math.BigDecimal;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ledger store every posting function uses, with its app-event outbox: {@code LOW_CREDITS_THRESHOLD} (credits,
 * the stack's default threshold of {@code credits.low}; 0 turns it off; default 10) and, when
 * {@code APP_EVENTS_QUEUE_URL} is set, the queue the events are announced to right after the commit (without it the
 * outbox sweeper enqueues them within a couple of minutes).
 */
public final class LedgerWiring {
    private LedgerWiring() {
    }

    public static DynamoLedgerStore ledger(DynamoDbClient dynamo, Env env, Supplier<SqsClient> sqs) {
        return new DynamoLedgerStore(dynamo, env.required("TABLE_NAME"), policy(env), notifier(env, sqs));
    }

    /** The order and subscription store; its subscription events are announced like the ledger's. */
    public static dev.prepaid.adapter.out.dynamodb.DynamoOrderStore orders(DynamoDbClient dynamo, Env env,
                                                                           Supplier<SqsClient> sqs) {
        return new dev.prepaid.adapter.out.dynamodb.DynamoOrderStore(dynamo, env.required("TABLE_NAME"),
                notifier(env, sqs));
    }

    public static AppEventPolicy policy(Env env) {
        String threshold = env.optional("LOW_CREDITS_THRESHOLD", null);
        if (threshold == null) {
            return AppEventPolicy.defaults();
        }
        try {
            return new AppEventPolicy(Credits.parse(new BigDecimal(threshold.trim()), "LOW_CREDITS_THRESHOLD"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("LOW_CREDITS_THRESHOLD must be a number of credits >= 0: " + threshold, e);
        }
    }

    public static AppEventNotifier notifier(Env env, Supplier<SqsClient> sqs) {
        String url = env.optional("APP_EVENTS_QUEUE_URL", null);
        if (url == null) {
            return AppEventNotifier.NONE;
        }
        return new SqsAppEventQueue(memoize(sqs == null ? () -> AwsClients.sqs(env) : sqs), url);
    }

    /** One SQS client, built on the first announcement: a function's ledger and order stores share it. */
    public static Supplier<SqsClient> lazySqs(Env env) {
        return memoize(() -> AwsClients.sqs(env));
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
