package dev.prepaid.system.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.ReliabilityAccess;
import dev.prepaid.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures everything logged while each reliability test runs (the production JSON layout, what would reach
 * CloudWatch) and fails the test if a line holds a secret, a bearer token or an e-mail address. The totals
 * over the whole suite go to target/reliability.json as {@code logs}.
 */
final class SuiteLogs implements BeforeEachCallback, AfterEachCallback {
    /** Everything that must never be logged: the suite's secrets, its tokens, and anything like them. */
    static final List<String> FORBIDDEN = List.of(
            ReliabilityAccess.STRIPE_WEBHOOK_SECRET, ReliabilityAccess.CREEM_WEBHOOK_SECRET,
            ReliabilityAccess.MOCK_WEBHOOK_SECRET, "sk_test_system_tests_key_0000", "creem_test_api_key_123456",
            "whsec_", "Bearer ", "bearer ", "user:", "service:", "eyJhbGciOi");
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SuiteLogs.class);
    private static long bytes;
    private static long lines;
    private static int tests;
    private static final Violations VIOLATIONS = new Violations();

    /** DynamoDB Local's own request log (two lines a call): engine noise, not a function's log, and costly. */
    private static final String ENGINE_LOGGER = "software.amazon.dynamodb";

    /** The production appender (JSON to stdout): while a test is captured its lines go to the capture only. */
    private static final String CONSOLE = "JsonAppender";

    @Override
    public void beforeEach(ExtensionContext context) {
        Level before = LogManager.getLogger(ENGINE_LOGGER).getLevel();
        context.getStore(NAMESPACE).put("engineLevel", before);
        Configurator.setLevel(ENGINE_LOGGER, Level.WARN);
        context.getStore(NAMESPACE).put("capture", new LogCapture());
        if (!Boolean.getBoolean("reliability.consoleLogs")) {
            // Tens of thousands of request lines piped to Maven cost CPU the run needs; -Dreliability.consoleLogs=true keeps them.
            LoggerContext logging = (LoggerContext) LogManager.getContext(false);
            Appender console = logging.getConfiguration().getRootLogger().getAppenders().get(CONSOLE);
            if (console != null) {
                logging.getConfiguration().getRootLogger().removeAppender(CONSOLE);
                logging.updateLoggers();
                context.getStore(NAMESPACE).put("console", console);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LogCapture capture = context.getStore(NAMESPACE).remove("capture", LogCapture.class);
        if (capture == null) {
            return;
        }
        Appender console = context.getStore(NAMESPACE).remove("console", Appender.class);
        if (console != null) {
            LoggerContext logging = (LoggerContext) LogManager.getContext(false);
            logging.getConfiguration().getRootLogger().addAppender(console, null, null);
            logging.updateLoggers();
        }
        capture.close();
        Level before = context.getStore(NAMESPACE).remove("engineLevel", Level.class);
        Configurator.setLevel(ENGINE_LOGGER, before == null ? Level.INFO : before);
        String text = capture.text();
        List<String> found = scan(text);
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        synchronized (SuiteLogs.class) {
            bytes += text.length();
            lines += text.lines().count();
            tests++;
            found.forEach(f -> VIOLATIONS.add(test + ": " + f));
            ObjectNode figures = Figures.object();
            figures.put("testsCaptured", tests);
            figures.put("linesScanned", lines);
            figures.put("charactersScanned", bytes);
            figures.put("violations", VIOLATIONS.count());
            figures.putPOJO("firstViolations", VIOLATIONS.first());
            Figures.publish("logs", figures);
        }
        if (!found.isEmpty()) {
            throw new AssertionError("the logs of " + test + " hold what they must not: " + found);
        }
    }

    /** Each forbidden thing found in {@code logs}, with the start of its line. */
    static List<String> scan(String logs) {
        List<String> found = new ArrayList<>();
        for (String line : (Iterable<String>) logs.lines()::iterator) {
            for (String forbidden : FORBIDDEN) {
                if (line.contains(forbidden)) {
                    found.add("'" + forbidden.substring(0, Math.min(6, forbidden.length())) + "...' in " + excerpt(line));
                }
            }
            if (line.indexOf('@') >= 0 && EMAIL.matcher(line).find()) {
                found.add("an e-mail address in " + excerpt(line));
            }
            if (found.size() > 20) {
                break;
            }
        }
        return found;
    }

    /** The start of the line, with what was found blacked out (the report must not repeat it). */
    private static String excerpt(String line) {
        String redacted = EMAIL.matcher(line).replaceAll("<e-mail>");
        for (String forbidden : FORBIDDEN) {
            redacted = redacted.replace(forbidden, "<redacted>");
        }
        return redacted.length() <= 160 ? redacted : redacted.substring(0, 160) + "...";
    }
}
