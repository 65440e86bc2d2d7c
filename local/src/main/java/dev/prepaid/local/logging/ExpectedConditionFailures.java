package dev.prepaid.local.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Drops DynamoDB Local's warning for a conditional write that failed its condition. DynamoDB Local logs every
 * error it returns to a client as a WARN with a stack trace; a failed condition is how prepaid's money paths
 * work (a replayed idempotency key, a balance too low, a second delivery of the same webhook), not a fault, and
 * the caller turns it into its own answer. Other errors DynamoDB Local returns (a validation error, a
 * transaction conflict) still show. Used by log4j2-local.xml as {@code <ExpectedConditionFailures/>}.
 */
@Plugin(name = "ExpectedConditionFailures", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE, printObject = true)
public final class ExpectedConditionFailures extends AbstractFilter {
    /** The DynamoDB Local class that logs what it returns to clients. */
    public static final String DYNAMODB_LOCAL_HANDLER = "software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler";
    private static final String CONDITION_FAILED = "The conditional request failed";
    /** A cancelled transaction's reasons, one per item: "[None, ConditionalCheckFailed]". */
    private static final Pattern CANCELLATION_REASONS = Pattern.compile("Transaction cancelled.*\\[([^\\]]*)]");

    private ExpectedConditionFailures() {
        super(Result.DENY, Result.NEUTRAL);
    }

    @PluginFactory
    public static ExpectedConditionFailures create() {
        return new ExpectedConditionFailures();
    }

    @Override
    public Result filter(LogEvent event) {
        if (!DYNAMODB_LOCAL_HANDLER.equals(event.getLoggerName()) || event.getThrown() == null) {
            return onMismatch;
        }
        return isConditionFailure(event.getThrown().getMessage()) ? onMatch : onMismatch;
    }

    /** A failed condition: of one write, or the only reason a transaction was cancelled. */
    static boolean isConditionFailure(String message) {
        if (message == null) {
            return false;
        }
        if (message.startsWith(CONDITION_FAILED)) {
            return true;
        }
        Matcher reasons = CANCELLATION_REASONS.matcher(message);
        if (!reasons.find()) {
            return false;
        }
        boolean conditionFailed = false;
        for (String reason : reasons.group(1).split(",")) {
            String code = reason.trim();
            if (code.equals("ConditionalCheckFailed")) {
                conditionFailed = true;
            } else if (!code.equals("None")) {
                return false; // a conflict, a validation error, a throttle: worth seeing
            }
        }
        return conditionFailed;
    }
}
