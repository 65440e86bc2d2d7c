package dev.prepaid.adapter.out.sqs;

import dev.prepaid.port.out.DeadLetterQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * The fulfilment DLQ on SQS. A redrive receives from the DLQ, sends each message (body and message
 * attributes) to the main queue and deletes it from the DLQ only after the main queue accepted it. A
 * crash between the two leaves the message in both: fulfilment is idempotent, so it is handled once.
 */
public final class SqsDeadLetterQueue implements DeadLetterQueue {
    /** How long a message being moved stays hidden in the DLQ; one that could not be sent reappears after it. */
    static final int MOVE_VISIBILITY_SECONDS = 30;
    private static final int BATCH = 10;

    private final SqsClient sqs;
    private final String dlqUrl;
    private final String queueUrl;

    public SqsDeadLetterQueue(SqsClient sqs, String dlqUrl, String queueUrl) {
        this.sqs = sqs;
        this.dlqUrl = dlqUrl;
        this.queueUrl = queueUrl;
    }

    @Override
    public int depth() {
        Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributesAsStrings();
        long depth = 0;
        for (String value : attributes.values()) {
            depth += Long.parseLong(value);
        }
        return (int) Math.min(Integer.MAX_VALUE, depth);
    }

    @Override
    public int redrive(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        int moved = 0;
        while (moved < max) {
            int want = Math.min(BATCH, max - moved);
            // A short wait polls every SQS server: an immediate receive may miss the few messages of a small queue.
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(want)
                    .waitTimeSeconds(1).visibilityTimeout(MOVE_VISIBILITY_SECONDS)
                    .messageAttributeNames("All")).messages();
            if (messages.isEmpty()) {
                break;
            }
            List<SendMessageBatchRequestEntry> sends = new ArrayList<>();
            Map<String, Message> byEntryId = new HashMap<>();
            for (Message message : messages) {
                String id = Integer.toString(sends.size());
                byEntryId.put(id, message);
                sends.add(SendMessageBatchRequestEntry.builder().id(id).messageBody(message.body())
                        .messageAttributes(message.messageAttributes()).build());
            }
            SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(sends));
            Set<String> accepted = sent.successful().stream().map(SendMessageBatchResultEntry::id)
                    .collect(Collectors.toSet());
            if (accepted.isEmpty()) {
                break; // the main queue refuses: leave the rest where it is
            }
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (String id : accepted) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(id)
                        .receiptHandle(byEntryId.get(id).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(dlqUrl).entries(deletes));
            moved += accepted.size();
        }
        return moved;
    }
}
