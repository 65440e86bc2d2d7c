package dev.prepaid.system.reliability;

import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An SDK interceptor, installed on the DynamoDB and SQS clients of the system under test, that fails the
 * N-th API call after it is armed, in one of three ways:
 * <ul>
 *   <li>{@link Kind#THROTTLED}: the service refuses it (400 ProvisionedThroughputExceededException for
 *       DynamoDB, 400 ThrottlingException for SQS) after the SDK's own retries gave up; nothing executed;</li>
 *   <li>{@link Kind#CONNECTION_RESET}: the connection breaks before the request is sent (an
 *       SdkClientException caused by a SocketException); nothing executed;</li>
 *   <li>{@link Kind#RESPONSE_LOST}: the call goes through and executes (a TransactWriteItems commits, a
 *       message is queued), then its response is lost on the way back and the caller sees an
 *       SdkClientException caused by an IOException: the worst case, work done and reported as failed.</li>
 * </ul>
 * Calls are counted once per API call (not per SDK attempt), in the order the code makes them; a clean
 * run of an operation with the injector counting tells how many positions there are to sweep.
 */
final class FaultInjector implements ExecutionInterceptor {
    enum Kind { THROTTLED, CONNECTION_RESET, RESPONSE_LOST }

    private static final ExecutionAttribute<Boolean> LOSE = new ExecutionAttribute<>("reliability.loseResponse");

    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> seen = new ArrayList<>();
    private volatile boolean counting;
    private volatile int target;
    private volatile Kind kind;
    private volatile String injectedAt;
    private volatile String crashAt;
    private final AtomicInteger injected = new AtomicInteger();

    /** Counts calls from now on and fails none. */
    synchronized void count() {
        calls.set(0);
        seen.clear();
        target = 0;
        injectedAt = null;
        counting = true;
    }

    /** Counts calls from now on and fails the {@code n}-th (1-based) with {@code kind}. */
    synchronized void arm(int n, Kind kind) {
        count();
        this.kind = kind;
        this.target = n;
    }

    /**
     * Counts calls from now on and "kills the process" at the first call named {@code call}
     * ({@code Sqs.SendMessage}): that call is never sent and a {@link ProcessDied} error unwinds the
     * function past every {@code catch (RuntimeException)}, so nothing after it runs (no release, no
     * answer), as when Lambda times out or the execution environment is lost mid-request.
     */
    synchronized void crashAt(String call) {
        count();
        this.crashAt = call;
    }

    /** Stops counting and failing. */
    synchronized void disarm() {
        counting = false;
        target = 0;
        crashAt = null;
    }

    /** The function's process died at this call (see {@link #crashAt}); not an exception our code catches. */
    static final class ProcessDied extends Error {
        private static final long serialVersionUID = 1L;

        ProcessDied(String call) {
            super("the process died at " + call);
        }
    }

    int calls() {
        return calls.get();
    }

    synchronized List<String> seen() {
        return List.copyOf(seen);
    }

    /** The call the last armed fault hit ({@code DynamoDB.TransactWriteItems}), or null if none was reached. */
    String injectedAt() {
        return injectedAt;
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        int n;
        synchronized (this) {
            n = calls.incrementAndGet();
            seen.add(call);
            if (call.equals(crashAt)) {
                crashAt = null;
                injectedAt = call;
                throw new ProcessDied(call);
            }
            if (n != target) {
                return;
            }
            injectedAt = call;
            injected.incrementAndGet();
        }
        switch (kind) {
            case THROTTLED -> throw throttled(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
            case CONNECTION_RESET -> throw SdkClientException.builder()
                    .message("Unable to execute HTTP request: Connection reset")
                    .cause(new SocketException("Connection reset")).build();
            case RESPONSE_LOST -> attributes.putAttribute(LOSE, Boolean.TRUE);
        }
    }

    /** The call succeeded on the server; its caller never hears so. */
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE))) {
            attributes.putAttribute(LOSE, Boolean.FALSE);
            throw lost();
        }
        return context.response();
    }

    /** The call executed and failed on the server (a cancelled transaction...); the caller sees a broken connection instead. */
    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE))) {
            attributes.putAttribute(LOSE, Boolean.FALSE);
            return lost();
        }
        return context.exception();
    }

    private static SdkClientException lost() {
        return SdkClientException.builder().message("Unable to execute HTTP request: Connection reset (response lost)")
                .cause(new IOException("Connection reset by peer")).build();
    }

    private static RuntimeException throttled(String service) {
        if ("Sqs".equalsIgnoreCase(service) || "SQS".equals(service)) {
            return SqsException.builder().statusCode(400).message("Rate exceeded")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded")
                            .serviceName("Sqs").build()).build();
        }
        return ProvisionedThroughputExceededException.builder().statusCode(400)
                .message("The level of configured provisioned throughput for the table was exceeded")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("The level of configured provisioned throughput for the table was exceeded")
                        .serviceName("DynamoDb").build()).build();
    }
}
