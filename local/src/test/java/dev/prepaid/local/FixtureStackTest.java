package dev.prepaid.local;

import static dev.prepaid.local.TestSupport.call;
import static dev.prepaid.local.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.local.TestSupport.Reply;
import dev.prepaid.local.fakes.FakeQueueHandler;
import dev.prepaid.local.fakes.FakeScheduledHandler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner on a small template with fake handlers: whatever functions a template declares are picked up
 * (HTTP, SQS, Schedule), a function whose class is missing is reported and skipped, and the rest runs.
 */
class FixtureStackTest {
    static LocalStack stack;
    static URI base;

    @BeforeAll
    static void start() {
        FakeScheduledHandler.EVENTS.clear();
        FakeScheduledHandler.FUNCTIONS.clear();
        FakeQueueHandler.BODIES.clear();
        stack = LocalStack.start(TestSupport.options(TestSupport.fixtureTemplate()).withScheduleEvery(Duration.ofSeconds(1)));
        base = stack.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static LocalStack.Function function(String id) {
        return stack.functions().stream().filter(f -> f.spec().logicalId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aFunctionWhoseClassIsMissingIsSkippedAndReported() {
        LocalStack.Function missing = function("NotBuiltYetFunction");
        assertFalse(missing.running());
        assertEquals("class dev.prepaid.function.future.NotBuiltYetHandler is not on the classpath", missing.skipped());
        assertTrue(Banner.of(stack).contains("NotBuiltYetFunction  NOT RUNNING: class dev.prepaid.function.future.NotBuiltYetHandler"));
        assertEquals(404, call(base, "GET", "/future", null, null).status(), "its route is not served");
        assertTrue(function("EchoFunction").running());
        assertTrue(function("TickFunction").running());
    }

    @Test
    void routesGetPayload2EventsWithTheirAuthorizerAndScopes() {
        String reader = token(base, "reader", "fake/read");
        Reply echo = call(base, "GET", "/echo/hi", reader, null);
        assertEquals(200, echo.status(), echo.body());
        JsonNode body = echo.json();
        assertEquals("EchoFunction", body.get("function").asText());
        assertEquals("2.0", body.get("version").asText());
        assertEquals("GET /echo/{word}", body.get("routeKey").asText());
        assertEquals("hi", body.get("pathParameters").get("word").asText());
        assertEquals("reader", body.get("claims").get("sub").asText());
        assertEquals("prepaid-local", body.get("claims").get("iss").asText());
        assertEquals("fixture-dev", body.get("env").get("TABLE_NAME").asText());
        assertEquals(base + "/echo", body.get("env").get("SELF_URL").asText());
        assertEquals(stack.dynamoEndpoint().toString(), body.get("env").get("DYNAMODB_ENDPOINT").asText());

        assertEquals(401, call(base, "GET", "/echo/hi", null, null).status());
        assertEquals(403, call(base, "GET", "/echo/hi", token(base, "nobody", null), null).status(), "needs fake/read");
        assertEquals(403, call(base, "POST", "/echo/secret", reader, null).status(), "needs fake/admin");
        assertEquals(200, call(base, "POST", "/echo/secret", token(base, "root", "fake/admin"), null).status());
        Reply open = call(base, "GET", "/open", null, null);
        assertEquals(200, open.status());
        assertTrue(open.json().get("claims").isNull());
        assertEquals(404, call(base, "GET", "/prod", null, null).status(), "its Condition is false");
        assertEquals(404, call(base, "GET", "/mock/checkout/x", null, null).status(), "no purchase functions here");
    }

    @Test
    void theScheduledFunctionRunsOnTheLocalSchedule() throws Exception {
        ScheduledEvent event = FakeScheduledHandler.EVENTS.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "TickFunction ran within 10 s (every 1 s here)");
        assertEquals("Scheduled Event", event.getDetailType());
        assertEquals("TickFunction", FakeScheduledHandler.FUNCTIONS.poll(5, TimeUnit.SECONDS));
        assertTrue(event.getResources().get(0).endsWith(":rule/prepaid-local-TickFunction-Every5Minutes"), event.getResources().toString());
        assertEquals(1, stack.schedules().scheduled().size(), "the DISABLED schedule does not run");
    }

    @Test
    void theQueueTriggerIsPolled() throws Exception {
        LocalStack.Queue jobs = stack.queue("Jobs");
        assertEquals("Jobs.fifo", jobs.name());
        assertEquals("JobsDLQ", jobs.deadLetterQueue());
        stack.sqs().sendMessage(b -> b.queueUrl(jobs.url()).messageBody("job-1").messageGroupId("g"));
        assertEquals("job-1", FakeQueueHandler.BODIES.poll(10, TimeUnit.SECONDS));
        TestSupport.await(Duration.ofSeconds(5), "the message to be deleted", () -> "0".equals(stack.sqs()
                .getQueueAttributes(b -> b.queueUrl(jobs.url()).attributeNamesWithStrings("ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().get("ApproximateNumberOfMessagesNotVisible")));
        assertNull(FakeQueueHandler.BODIES.poll(1, TimeUnit.SECONDS), "delivered once");
        Map<String, String> attributes = stack.sqs().getQueueAttributes(b -> b.queueUrl(jobs.url())
                .attributeNamesWithStrings("VisibilityTimeout", "RedrivePolicy")).attributesAsStrings();
        assertEquals("2", attributes.get("VisibilityTimeout"));
        assertTrue(attributes.get("RedrivePolicy").contains("JobsDLQ.fifo"), attributes.toString());
    }
}
