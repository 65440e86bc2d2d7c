package dev.prepaid.adapter.config;

import java.net.URI;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * The functions' log4j configuration, built in code instead of parsed from {@code log4j2.xml}: reading an
 * XML file at start-up loads the JDK's XML parser (hundreds of classes) on every cold start, for a
 * configuration that never changes. Registered by {@code log4j2.component.properties}
 * ({@code log4j2.configurationFactory}).
 *
 * <p>What it builds is what the XML said: Powertools' structured JSON (one object per line, the Lambda request
 * fields that differ per line, our {@code correlation_id}) on stdout through an appender named {@value #APPENDER}, the
 * {@code JsonLogger} at INFO, the AWS SDK at WARN, and the root at {@code POWERTOOLS_LOG_LEVEL} (INFO when
 * unset or unknown).
 *
 * <p>An explicit {@code log4j2.configurationFile} still wins (the local runner uses one for readable
 * console logs): for a given source this factory answers null and log4j asks the next factory.
 */
public final class LogConfigurationFactory extends ConfigurationFactory {
    public static final String APPENDER = "JsonAppender";
    public static final String NAME = "prepaid";
    static final String LEVEL_VARIABLE = "POWERTOOLS_LOG_LEVEL";
    /**
     * Powertools' {@code LambdaJsonLayout.json} without the fields that are the same on every line of a log
     * group ({@code function_arn}, {@code function_name}, {@code function_version}, {@code function_memory_size},
     * {@code service}, {@code sampling_rate}): about 220 bytes less per line, and log ingestion is billed per byte
     * (BENCHMARKS.md). The request id, cold start flag, trace id and correlation id stay.
     */
    static final String TEMPLATE = "PrepaidJsonLayout.json";

    @Override
    protected String[] getSupportedTypes() {
        return new String[] {"*"}; // any: without a file, log4j asks the factories that take every type
    }

    @Override
    public Configuration getConfiguration(LoggerContext context, String name, URI configLocation) {
        return configLocation == null ? build(rootLevel(System.getenv(LEVEL_VARIABLE))) : null;
    }

    @Override
    public Configuration getConfiguration(LoggerContext context, ConfigurationSource source) {
        return null;
    }

    static BuiltConfiguration build(Level rootLevel) {
        ConfigurationBuilder<BuiltConfiguration> builder = newConfigurationBuilder();
        builder.setConfigurationName(NAME);
        builder.setStatusLevel(Level.ERROR);
        // Lambda freezes and ends the process; a JVM shutdown hook would only cost a thread at start-up.
        builder.setShutdownHook("disable");
        builder.add(builder.newAppender(APPENDER, ConsoleAppender.PLUGIN_NAME)
                .addAttribute("target", ConsoleAppender.Target.SYSTEM_OUT)
                .add(builder.newLayout("JsonTemplateLayout")
                        .addAttribute("eventTemplateUri", "classpath:" + TEMPLATE)));
        builder.add(builder.newLogger("JsonLogger", Level.INFO)
                .add(builder.newAppenderRef(APPENDER)).addAttribute("additivity", false));
        builder.add(builder.newLogger("software.amazon.awssdk", Level.WARN));
        builder.add(builder.newRootLogger(rootLevel).add(builder.newAppenderRef(APPENDER)));
        return builder.build(false);
    }

    static Level rootLevel(String configured) {
        return configured == null || configured.isBlank() ? Level.INFO
                : Level.toLevel(configured.trim().toUpperCase(Locale.ROOT), Level.INFO);
    }
}
