package dev.prepaid.system.reliability;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, as {@code dev.prepaid.testing.QueuePoller} runs it, with the one
 * difference the production queue has: a message being handled stays invisible for as long as the handler
 * may take (the template's VisibilityTimeout is 6 x the function timeout). The test queue's visibility
 * timeout is 1 s so that a message that failed comes back quickly; under a load of concurrent work a batch
 * can take longer than that, and the same message would then be handled twice at once and never deleted
 * (its receipt handle stale), a harness artefact. So a batch is received invisible for 60 s and its
 * reported failures are made visible again after 1 s, as the test queue intends (or at once, where a
 * test has nothing to wait for).
 */
final class Consumer {
    private final SqsClient sqs;
    private final String queueUrl;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final int retryDelaySeconds;
    final AtomicLong received = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong deleteFailures = new AtomicLong();

    Consumer(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        this(sqs, queueUrl, handler, 1);
    }

    /** @param retryDelaySeconds how long a failed message stays invisible before its next receive */
    Consumer(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler, int retryDelaySeconds) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.retryDelaySeconds = retryDelaySeconds;
    }

    /** One receive-invoke-delete cycle; returns how many messages were received. */
    int pollOnce(int maxMessages, int waitSeconds) {
        List<Message> messages = receive(maxMessages, waitSeconds);
        if (messages.isEmpty()) {
            return 0;
        }
        Set<String> failures = QueuePoller.failedIds(
                handler.handleRequest(QueuePoller.toEvent(messages), new TestContext("fulfilment")));
        settle(messages, failures);
        return messages.size();
    }

    List<Message> receive(int maxMessages, int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(maxMessages)
                .waitTimeSeconds(waitSeconds).visibilityTimeout(60)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        received.addAndGet(messages.size());
        return messages;
    }

    /** Deletes what succeeded; what failed becomes visible again after the retry delay. */
    void settle(List<Message> messages, Set<String> failures) {
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (failures.contains(m.messageId())) {
                failed.incrementAndGet();
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(retryDelaySeconds));
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
            deleteFailures.addAndGet(deleted.failed().size());
        }
    }
}
