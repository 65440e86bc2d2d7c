package dev.prepaid.bench.launcher;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.prepaid.adapter.config.Env;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Cold start, in a fresh JVM whose class path is exactly a function's deployment zip (lib/*.jar) plus this
 * launcher: constructs the handler through its {@code Env} constructor from the process environment (what
 * the no-argument Lambda constructor does), invokes it with one request, and prints one line with
 * {@code System.nanoTime()} stamps (CLOCK_MONOTONIC on Linux, so comparable with the parent's):
 * {@code BENCH-COLD entered=<main entered> init=<handler built> done=<first response> <result>}.
 *
 * <p>Only classes the function itself ships are used here: the Lambda core and events types, and Env.
 */
public final class ColdLauncher {
    private ColdLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        Properties request = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            request.load(reader);
        }
        String kind = request.getProperty("kind");
        String function = request.getProperty("function");
        Object handler = Class.forName(request.getProperty("handler")).getMethod("fromEnv", Env.class)
                .invoke(null, new Env(System.getenv()));
        long built = System.nanoTime();
        if (Boolean.parseBoolean(request.getProperty("prime"))) {
            // What SnapStart runs before its snapshot (the handler's own CRaC beforeCheckpoint warm-up).
            Object priming = handler.getClass().getMethod("priming").invoke(handler);
            priming.getClass().getMethod("prime").invoke(priming);
        }
        long init = System.nanoTime();
        String result;
        if (kind.equals("scheduled")) {
            @SuppressWarnings("unchecked")
            RequestHandler<ScheduledEvent, Map<String, Object>> scheduled =
                    (RequestHandler<ScheduledEvent, Map<String, Object>>) handler;
            ScheduledEvent event = new ScheduledEvent();
            event.setSource("aws.events");
            event.setDetailType("Scheduled Event");
            event.setTime(new org.joda.time.DateTime(request.getProperty("time")));
            Map<String, Object> response = scheduled.handleRequest(event, new LaunchContext(function));
            result = "completed=" + (response != null);
        } else if (kind.equals("sqs")) {
            @SuppressWarnings("unchecked")
            RequestHandler<SQSEvent, SQSBatchResponse> sqs = (RequestHandler<SQSEvent, SQSBatchResponse>) handler;
            SQSBatchResponse response = sqs.handleRequest(sqsEvent(request), new LaunchContext(function));
            result = "failures=" + (response.getBatchItemFailures() == null ? 0 : response.getBatchItemFailures().size());
        } else {
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api =
                    (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler;
            APIGatewayV2HTTPResponse response = api.handleRequest(apiEvent(request), new LaunchContext(function));
            String location = response.getHeaders() == null ? null : response.getHeaders().get("location");
            result = "status=" + response.getStatusCode() + (location == null ? "" : " location=" + location);
        }
        long done = System.nanoTime();
        System.out.println("BENCH-COLD entered=" + entered + " built=" + built + " init=" + init + " done=" + done + " " + result);
        System.out.flush();
        System.exit(0);
    }

    static APIGatewayV2HTTPEvent apiEvent(Properties p) {
        Map<String, String> headers = prefixed(p, "header.");
        Map<String, String> query = prefixed(p, "query.");
        Map<String, String> claims = prefixed(p, "claim.");
        String method = p.getProperty("method");
        String path = p.getProperty("path");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = claims.isEmpty() ? null
                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                        .build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withRawQueryString(p.getProperty("rawQuery", ""))
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withBody(p.getProperty("body"))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("cold-" + System.nanoTime())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1").withUserAgent("prepaid-bench").build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }

    static SQSEvent sqsEvent(Properties p) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(p.getProperty("messageId"));
        message.setReceiptHandle(p.getProperty("receiptHandle"));
        message.setBody(p.getProperty("body"));
        message.setEventSource("aws:sqs");
        message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:bench");
        message.setAttributes(prefixed(p, "attribute."));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    private static Map<String, String> prefixed(Properties p, String prefix) {
        Map<String, String> result = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                result.put(name.substring(prefix.length()), p.getProperty(name));
            }
        }
        return result;
    }

    /** The Lambda context, as the runtime would pass it. */
    static final class LaunchContext implements Context {
        private final String function;

        LaunchContext(String function) {
            this.function = function;
        }

        @Override public String getAwsRequestId() { return "cold-start-request"; }
        @Override public String getLogGroupName() { return "/aws/lambda/" + function; }
        @Override public String getLogStreamName() { return "bench"; }
        @Override public String getFunctionName() { return function; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:" + function; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 10_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.print(message); }
                @Override public void log(byte[] message) { System.out.print(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
