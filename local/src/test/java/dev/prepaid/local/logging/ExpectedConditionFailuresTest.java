package dev.prepaid.local.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** ./run-local does not print DynamoDB Local's warning for a failed condition, and still prints its other errors. */
class ExpectedConditionFailuresTest {
    static final String WARNING = "DynamoDBLocalServiceException exception occured"; // sic, DynamoDB Local's text

    static LogEvent warning(String logger, String exceptionMessage) {
        return Log4jLogEvent.newBuilder().setLoggerName(logger).setLevel(Level.WARN)
                .setMessage(new SimpleMessage(WARNING)).setThrown(new RuntimeException(exceptionMessage)).build();
    }

    @Test
    void aFailedConditionIsDroppedOtherErrorsShow() {
        Filter filter = ExpectedConditionFailures.create();
        String handler = ExpectedConditionFailures.DYNAMODB_LOCAL_HANDLER;
        assertEquals(Filter.Result.DENY, filter.filter(warning(handler, "The conditional request failed")));
        assertEquals(Filter.Result.DENY, filter.filter(warning(handler,
                "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(warning(handler,
                "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]")));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(warning(handler,
                "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, ValidationError]")));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(warning(handler, "One or more parameter values were invalid")));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(warning("dev.prepaid.Something", "The conditional request failed")));
        assertFalse(ExpectedConditionFailures.isConditionFailure(null));
    }

    /** The runner's log configuration finds the filter (a log4j plugin) and puts it on DynamoDB Local's handler. */
    @Test
    void theRunnersLogConfigurationUsesIt() throws Exception {
        URI config = ExpectedConditionFailuresTest.class.getResource("/log4j2-local.xml").toURI();
        // a configuration of its own, not the test JVM's logging
        XmlConfiguration configuration = new XmlConfiguration(new LoggerContext("run-local-config-test"),
                ConfigurationSource.fromUri(config));
        configuration.initialize();
        try {
            LoggerConfig handler = configuration.getLoggerConfig(ExpectedConditionFailures.DYNAMODB_LOCAL_HANDLER);
            assertEquals(ExpectedConditionFailures.DYNAMODB_LOCAL_HANDLER, handler.getName());
            assertInstanceOf(ExpectedConditionFailures.class, handler.getFilter());
            assertTrue(handler.isFiltered(warning(handler.getName(), "The conditional request failed")));
            assertFalse(handler.isFiltered(warning(handler.getName(), "One or more parameter values were invalid")));
        } finally {
            configuration.stop();
        }
    }
}
