package dev.prepaid.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping does, against a real queue (ElasticMQ): receive a batch, hand
 * it to the handler as an {@link SQSEvent}, delete what succeeded, leave the reported failures to become
 * visible again (and, after the queue's maxReceiveCount, move to the DLQ).
 */
public final class QueuePoller {
    private final SqsClient sqs;
    private final String queueUrl;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final String functionName;

    public QueuePoller(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler, String functionName) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.functionName = functionName;
    }

    /** One receive-invoke-delete cycle; returns how many messages were received. */
    public int pollOnce(int maxMessages, int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(maxMessages)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        Set<String> failed = failedIds(FunctionScope.call(functionName,
                () -> handler.handleRequest(toEvent(messages), new TestContext(functionName))));
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
        return messages.size();
    }

    /** The messages as Lambda's event source mapping hands them to the function. */
    public static SQSEvent toEvent(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:local");
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /** The message ids a partial batch response reports as failed (none for a null response). */
    public static Set<String> failedIds(SQSBatchResponse response) {
        return response == null || response.getBatchItemFailures() == null ? Set.of()
                : response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                        .collect(Collectors.toSet());
    }

    /** Polls until the queue has been empty for one short wait, or {@code maxPolls} is reached. */
    public int drain(int maxPolls) {
        int total = 0;
        for (int i = 0; i < maxPolls; i++) {
            int received = pollOnce(10, 1);
            if (received == 0) {
                break;
            }
            total += received;
        }
        return total;
    }

    /** A queue and its DLQ with the production redrive policy (5 receives) and a short visibility timeout. */
    public static String[] createQueueWithDlq(SqsClient sqs, String name, int visibilitySeconds) {
        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl)
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        String queueUrl = sqs.createQueue(b -> b.queueName(name).attributesWithStrings(Map.of(
                "VisibilityTimeout", Integer.toString(visibilitySeconds),
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}"))).queueUrl();
        return new String[] {queueUrl, dlqUrl};
    }
}
