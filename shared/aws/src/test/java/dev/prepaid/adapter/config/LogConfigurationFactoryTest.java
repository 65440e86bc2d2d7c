package dev.prepaid.adapter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

class LogConfigurationFactoryTest {

    @Test
    void log4jStartsWithTheConfigurationBuiltInCode() {
        Configuration active = ((LoggerContext) LogManager.getContext(false)).getConfiguration();
        assertEquals(LogConfigurationFactory.NAME, active.getName(),
                "log4j2.component.properties registers the factory; no XML is read");
        assertInstanceOf(ConsoleAppender.class, active.getAppender(LogConfigurationFactory.APPENDER));
    }

    @Test
    void theConfigurationIsWhatTheFunctionsLogWith() {
        Configuration config = LogConfigurationFactory.build(Level.INFO);
        config.initialize();
        ConsoleAppender appender = config.getAppender(LogConfigurationFactory.APPENDER);
        assertNotNull(appender);
        assertEquals(ConsoleAppender.Target.SYSTEM_OUT, appender.getTarget());
        // log4j-layout-template-json is a runtime dependency (through Powertools): named, not imported
        assertEquals("JsonTemplateLayout", appender.getLayout().getClass().getSimpleName());
        assertEquals(Level.INFO, config.getRootLogger().getLevel());
        assertEquals(Level.WARN, config.getLoggerConfig("software.amazon.awssdk.core").getLevel());
        assertEquals(Level.INFO, config.getLoggerConfig("JsonLogger").getLevel());
        assertFalse(config.getLoggerConfig("JsonLogger").isAdditive());
        assertEquals(1, config.getLoggerConfig("JsonLogger").getAppenderRefs().size());
    }

    @Test
    void aLineIsOneJsonObjectWithTheCorrelationId() throws Exception {
        Configuration config = LogConfigurationFactory.build(Level.INFO);
        config.initialize();
        Layout<?> layout = config.getAppender(LogConfigurationFactory.APPENDER).getLayout();
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue(Logs.CORRELATION_ID, "req-123");
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("dev.prepaid.Test").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("deduct accepted")).setContextData(mdc).build();
        String line = layout.toSerializable(event).toString();
        assertEquals(1, line.strip().lines().count(), line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("deduct accepted", json.path("message").asText(), line);
        assertEquals("INFO", json.path("level").asText(), line);
        assertEquals("req-123", json.path(Logs.CORRELATION_ID).asText(), line);
    }

    @Test
    void theRootLevelComesFromPowertoolsLogLevel() {
        assertEquals(Level.INFO, LogConfigurationFactory.rootLevel(null));
        assertEquals(Level.INFO, LogConfigurationFactory.rootLevel(" "));
        assertEquals(Level.DEBUG, LogConfigurationFactory.rootLevel("debug"));
        assertEquals(Level.WARN, LogConfigurationFactory.rootLevel("WARN"));
        assertEquals(Level.INFO, LogConfigurationFactory.rootLevel("loud"), "unknown: INFO");
        Configuration debug = LogConfigurationFactory.build(Level.DEBUG);
        debug.initialize();
        assertEquals(Level.DEBUG, debug.getRootLogger().getLevel());
    }

    @Test
    void anExplicitConfigurationFileIsLeftToLog4j() throws Exception {
        LogConfigurationFactory factory = new LogConfigurationFactory();
        LoggerContext context = new LoggerContext("explicit");
        ConfigurationSource source = new ConfigurationSource(
                new ByteArrayInputStream("<Configuration/>".getBytes(StandardCharsets.UTF_8)));
        assertNull(factory.getConfiguration(context, source));
        assertNull(factory.getConfiguration(context, "explicit", URI.create("classpath:log4j2-local.xml")));
        assertNotNull(factory.getConfiguration(context, "default", null));
    }
}
