package dev.prepaid.adapter.out.sqs;

import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.port.out.EventQueue;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The fulfilment queue on SQS. A send that returns has been stored durably by SQS. */
public final class SqsEventQueue implements EventQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsEventQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(PaymentEvent event) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(PaymentEventJson.write(event))
                .messageAttributes(Map.of(
                        "provider", attribute(event.provider()),
                        "eventType", attribute(event.type() == null ? "unknown" : event.type()))));
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
