package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.adapter.out.sqs.SqsEventQueue;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The consumer behind a real queue (ElasticMQ) with the production redrive policy: what succeeds is
 * deleted, what waits comes back after the visibility timeout, and what never succeeds lands in the DLQ
 * after 5 receives, where reconciliation and a person find it; a refund of a payment never credited is
 * acknowledged as foreign at its 3rd receive instead.
 */
class FulfilmentQueueTest {

    @Test
    void eventsFlowThroughTheQueueAndAStuckOneReachesTheDlqAfterFiveReceives() throws Exception {
        FulfilmentFixture fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
        SqsClient sqs = TestClients.sqs(LocalEngines.shared().sqsEndpoint());
        String[] urls = QueuePoller.createQueueWithDlq(sqs, "fulfilment-" + UUID.randomUUID().toString().substring(0, 8), 1);
        SqsEventQueue queue = new SqsEventQueue(sqs, urls[0]);
        QueuePoller poller = new QueuePoller(sqs, urls[0], fx.handler, "fulfilment");

        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        PaymentEvent.CheckoutPaid paid = fx.paid(order, pi, null, null);
        for (int i = 0; i < 3; i++) {
            queue.enqueue(paid); // a provider that delivered three times
        }
        // a refund of a payment that was never ours: retried while its purchase may land, then acknowledged
        queue.enqueue(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "charge.refunded",
                FulfilmentFixture.id("re_"), "pi_never_paid", order.amount()));
        // a renewal of a subscription that never becomes known: it can never succeed
        queue.enqueue(fx.renewal(FulfilmentFixture.id("in_"), "sub_never_known", FulfilmentFixture.id("pi_"),
                order.amount(), null));

        for (int round = 0; round < 12 && depth(sqs, urls[1]) == 0; round++) {
            poller.pollOnce(10, 1);
            Thread.sleep(1100); // let the failed message's visibility timeout pass
        }
        assertEquals(Credits.of(100), fx.balance(user));
        assertEquals(1, depth(sqs, urls[1]), "the stuck renewal is in the DLQ");
        assertEquals(1, fx.counted("ForeignPaymentIgnored"), "the foreign refund was acknowledged, not dead-lettered");
        assertEquals(0, depth(sqs, urls[0]) + inFlight(sqs, urls[0]), "nothing else is left on the queue");
        String body = sqs.receiveMessage(b -> b.queueUrl(urls[1]).messageSystemAttributeNamesWithStrings("All")).messages().get(0).body();
        assertEquals("sub_never_known", dev.prepaid.adapter.out.sqs.PaymentEventJson.read(body) instanceof PaymentEvent.SubscriptionPaid r
                ? r.subscriptionId() : null);
    }

    private static int depth(SqsClient sqs, String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings().get("ApproximateNumberOfMessages"));
    }

    private static int inFlight(SqsClient sqs, String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().get("ApproximateNumberOfMessagesNotVisible"));
    }
}
