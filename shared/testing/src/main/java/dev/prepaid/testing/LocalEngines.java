package dev.prepaid.testing;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Amazon's DynamoDB Local and ElasticMQ (an SQS-compatible server), in this JVM, on loopback ports.
 * These are the real engines the integration tests run against: real conditions, transactions and
 * cancellation reasons, real queues and visibility timeouts. {@link #shared()} starts them once per JVM.
 */
public final class LocalEngines implements AutoCloseable {
    private static LocalEngines shared;

    private DynamoDBProxyServer dynamo;
    private SQSRestServer sqs;
    private URI dynamoEndpoint;
    private URI sqsEndpoint;

    /** In-memory engines shared by every test class of this JVM, stopped when the JVM exits. */
    public static synchronized LocalEngines shared() {
        if (shared == null) {
            LocalEngines engines = new LocalEngines();
            engines.startDynamo(null, 0);
            engines.startSqs(0);
            Runtime.getRuntime().addShutdownHook(new Thread(engines::close, "local-engines-stop"));
            shared = engines;
        }
        return shared;
    }

    /**
     * Starts DynamoDB Local. {@code dataDir} null keeps data in memory; a directory keeps it across restarts.
     * Port 0 picks a free one. It listens on 127.0.0.1 only.
     */
    public URI startDynamo(Path dataDir, int port) {
        try {
            String[] args = dataDir == null
                    ? new String[] {"-inMemory", "-port", "8000", "-disableTelemetry"}
                    : new String[] {"-dbPath", dataDir.toString(), "-sharedDb", "-port", "8000", "-disableTelemetry"};
            dynamo = ServerRunner.createServerFromCommandLineArgs(args);
            // The 3.x command line has no host option and refuses port 0: re-point the not yet started
            // Jetty connector at loopback and the requested port (8000 above is a placeholder).
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            ServerConnector connector = (ServerConnector) ((Server) field.get(dynamo)).getConnectors()[0];
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            dynamo.start();
            dynamoEndpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            return dynamoEndpoint;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    public URI startSqs(int port) {
        sqs = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1").start();
        sqsEndpoint = URI.create("http://127.0.0.1:" + sqs.waitUntilStarted().localAddress().getPort());
        return sqsEndpoint;
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    @Override
    public synchronized void close() {
        if (sqs != null) {
            sqs.stopAndWait();
            sqs = null;
        }
        if (dynamo != null) {
            try {
                dynamo.stop();
            } catch (Exception ignored) {
                // stopping at JVM exit: nothing left to protect
            }
            dynamo = null;
        }
    }
}
