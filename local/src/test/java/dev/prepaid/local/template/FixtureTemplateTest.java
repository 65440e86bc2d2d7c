package dev.prepaid.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.local.LocalResources;
import dev.prepaid.local.TestSupport;
import dev.prepaid.local.template.FunctionSpec.HttpRoute;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reader's generic paths on a small template: implicit API, Globals, schedules, conditions, FIFO queues. */
class FixtureTemplateTest {
    static final String BASE = "http://127.0.0.1:4000";
    static LocalTemplate local;
    static Map<String, FunctionSpec> functions;

    @BeforeAll
    static void read() {
        SamTemplate template = SamTemplate.read(TestSupport.fixtureTemplate());
        LocalResources resources = new LocalResources(template, BASE);
        resources.table("Table", "fixture-dev");
        resources.queue("Jobs", "Jobs.fifo", "http://sqs/000000000000/Jobs.fifo", "arn:aws:sqs:elasticmq:000000000000:Jobs.fifo");
        resources.queue("JobsDLQ", "JobsDLQ.fifo", "http://sqs/000000000000/JobsDLQ.fifo", "arn:aws:sqs:elasticmq:000000000000:JobsDLQ.fifo");
        local = new LocalTemplate(template, new Intrinsics(template, Map.of(), resources, BASE));
        functions = local.functions(new LocalOverrides(BASE, null, null, "s")).stream()
                .collect(Collectors.toMap(FunctionSpec::logicalId, f -> f));
    }

    @Test
    void resourcesWhoseConditionIsFalseAreLeftOut() {
        assertEquals(List.of("EchoFunction", "TickFunction", "JobsFunction", "NotBuiltYetFunction"),
                local.functions(new LocalOverrides(BASE, null, null, "s")).stream().map(FunctionSpec::logicalId).toList());
        assertEquals(List.of("JobsDLQ", "Jobs"), local.queues().stream().map(QueueSpec::logicalId).toList());
    }

    @Test
    void tableNameAndKeys() {
        TableSpec table = local.tables().get(0);
        assertEquals("fixture-dev", table.name(), "TableName: !Sub fixture-${Stage}");
        assertEquals("id", table.createTableRequest().keySchema().get(0).attributeName());
        assertFalse(table.createTableRequest().hasGlobalSecondaryIndexes());
    }

    @Test
    void environmentFromGlobalsAndTheFunctionResolved() {
        Map<String, String> env = functions.get("EchoFunction").environment();
        assertEquals("fixture-dev", env.get("TABLE_NAME"));
        assertEquals("DEBUG", env.get("LEVEL"), "FindInMap in Globals");
        assertEquals("from-function", env.get("SHARED"), "the function's own value wins over Globals");
        assertEquals("hello, us-east-1 ${Literal}", env.get("GREETING"));
        assertEquals("https://a.example;https://b.example", env.get("ORIGINS"));
        assertEquals("https://a.example", env.get("FIRST_ORIGIN"));
        assertEquals("relaxed", env.get("MODE"));
        assertEquals("yes", env.get("DEV"));
        assertEquals("http://sqs/000000000000/Jobs.fifo", env.get("JOBS_URL"));
        assertEquals("arn:aws:sqs:elasticmq:000000000000:Jobs.fifo", env.get("JOBS_ARN"));
        assertEquals(BASE + "/echo", env.get("SELF_URL"), "the implicit API's URL is the local base URL");
        assertFalse(env.containsKey("DROPPED"), "AWS::NoValue removes the variable");
        assertFalse(env.containsKey("MOCK_WEBHOOK_SECRET"), "not a purchase function");
    }

    @Test
    void defaultAuthorizerAndItsScopesFromGlobals() {
        FunctionSpec echo = functions.get("EchoFunction");
        HttpRoute get = echo.routes().get(0);
        assertEquals("GET", get.method(), "methods are upper-cased");
        assertEquals("/echo/{word}", get.path());
        assertEquals("Jwt", get.authorizer(), "Globals.HttpApi DefaultAuthorizer");
        assertEquals(List.of("fake/read"), get.scopes(), "the authorizer's own AuthorizationScopes");
        HttpRoute secret = echo.routes().get(1);
        assertEquals(List.of("fake/admin"), secret.scopes(), "the route's scopes replace the authorizer's");
        assertTrue(echo.routes().get(2).isPublic());
        assertEquals(List.of("Topic (SNS)"), echo.ignoredEvents());
    }

    @Test
    void schedulesAndQueueTriggers() {
        FunctionSpec tick = functions.get("TickFunction");
        assertEquals(2, tick.schedules().size());
        assertEquals(new FunctionSpec.ScheduleTrigger("Every5Minutes", "rate(5 minutes)", null, true), tick.schedules().get(0));
        assertEquals(new FunctionSpec.ScheduleTrigger("Paused", "cron(0 3 * * ? *)", null, false), tick.schedules().get(1));
        assertEquals("dev.prepaid.local.fakes.FakeScheduledHandler", tick.handlerClass(), "its own Handler over Globals'");

        FunctionSpec jobs = functions.get("JobsFunction");
        assertEquals(List.of(new FunctionSpec.QueueTrigger("Jobs", "Jobs", 5, true)), jobs.queues());
    }

    @Test
    void fifoQueuesKeepTheirSuffixAndRedrive() {
        QueueSpec jobs = local.queues().get(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) local.intrinsics().resolve(jobs.properties());
        assertEquals("Jobs.fifo", QueueSpec.name("Jobs", resolved));
        Map<String, String> attributes = QueueSpec.attributes(resolved, 2);
        assertEquals("true", attributes.get("FifoQueue"));
        assertEquals("true", attributes.get("ContentBasedDeduplication"));
        assertEquals("2", attributes.get("VisibilityTimeout"));
        assertTrue(attributes.get("RedrivePolicy").contains("\"maxReceiveCount\":\"3\""));
    }
}
