package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import dev.prepaid.domain.payment.Subscription;

import dev.prepaid.domain.payment.Money;

import dev.prepaid.domain.UserId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.adapter.out.sqs.SqsEventQueue;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.testing.QueuePoller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Step e and the redrive behind the admin route, on ElasticMQ with the production redrive policy (5
 * receives) and the real fulfilment consumer.
 */
class DeadLetterQueueTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aRenewalThatReachedTheDlqIsReportedAndARedriveLetsTheConsumerApplyIt() throws InterruptedException {
        String user = ReconFixture.newUser();
        String subscriptionId = ReconFixture.id("sub_");
        SqsEventQueue queue = new SqsEventQueue(fx.sqs, fx.queueUrl);
        QueuePoller consumer = new QueuePoller(fx.sqs, fx.queueUrl, new FulfilmentHandler(fx.fulfilment, dev.prepaid.adapter.out.metrics.MetricsPublisher.fromEnvironment(dev.prepaid.adapter.config.Env.system())), "fulfilment");

        // The renewal arrives for a subscription not known yet and waits for it five times, then goes to the DLQ.
        // (A refund of a payment never credited is acknowledged as foreign at its 3rd receive instead.)
        queue.enqueue(new PaymentEvent.SubscriptionPaid("stripe", ReconFixture.id("evt_"), "invoice.paid",
                ReconFixture.id("in_"), subscriptionId, ReconFixture.id("pi_"), new Money(1990, "usd"),
                Instant.now().plusSeconds(30L * 24 * 3600), null, null, null, "cus_1"));
        for (int round = 0; round < 15 && fx.depth(fx.dlqUrl) == 0; round++) {
            consumer.pollOnce(10, 1);
            Thread.sleep(1100); // the visibility timeout of a failed receive
        }
        assertEquals(1, fx.depth(fx.dlqUrl));
        assertEquals(1, fx.run(fx.service()).dlqDepth());

        // The subscription becomes known; the renewal, moved back, now finds its user.
        fx.wiring.orders().saveSubscription(new Subscription(new UserId(user), "stripe", subscriptionId, "basic",
                "active", Instant.now().plusSeconds(3600), false, "cus_1", Instant.now()));
        assertEquals(1, fx.dlq().redrive(10));
        assertEquals(0, fx.depth(fx.dlqUrl));
        consumer.drain(10);

        assertTrue(fx.balance(user).isPositive(), "the renewal granted its period");
        assertEquals(0, fx.depth(fx.queueUrl));
        assertEquals(0, fx.run(fx.service()).dlqDepth());
    }

    @Test
    void aRedriveKeepsBodiesAndAttributesAndMovesAtMostMax() {
        for (int i = 0; i < 3; i++) {
            int n = i;
            fx.sqs.sendMessage(b -> b.queueUrl(fx.dlqUrl).messageBody("{\"n\": " + n + "}")
                    .messageAttributes(Map.of("provider", string("stripe"), "eventType", string("type-" + n))));
        }
        SqsDeadLetterQueue dlq = fx.dlq();
        assertEquals(3, dlq.depth());

        assertEquals(2, dlq.redrive(2));
        assertEquals(1, dlq.depth());
        assertEquals(2, fx.depth(fx.queueUrl));
        List<Message> moved = fx.sqs.receiveMessage(b -> b.queueUrl(fx.queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1).messageAttributeNames("All")).messages();
        assertEquals(2, moved.size());
        for (Message message : moved) {
            String n = message.body().replaceAll("\\D", "");
            assertEquals("stripe", message.messageAttributes().get("provider").stringValue());
            assertEquals("type-" + n, message.messageAttributes().get("eventType").stringValue(), message.body());
        }

        assertEquals(1, dlq.redrive(100));
        assertEquals(0, dlq.depth());
        assertEquals(0, dlq.redrive(10), "an empty DLQ moves nothing");
        assertThrows(IllegalArgumentException.class, () -> dlq.redrive(0));
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
