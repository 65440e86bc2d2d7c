package dev.prepaid.contract;

import dev.prepaid.testing.LocalEngines;
import java.net.URI;

/** The contract on the in-process engines: DynamoDB Local and ElasticMQ. Runs everywhere. */
class DynamoDbLocalContractTest extends LedgerStoreContract {
    @Override
    URI dynamoEndpoint() {
        return LocalEngines.shared().dynamoEndpoint();
    }

    @Override
    URI sqsEndpoint() {
        return LocalEngines.shared().sqsEndpoint();
    }
}
