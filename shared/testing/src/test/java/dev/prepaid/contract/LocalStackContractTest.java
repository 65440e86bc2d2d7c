package dev.prepaid.contract;

import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The same contract against LocalStack's DynamoDB and SQS. Needs a Docker engine; without one (as on
 * the CI machines of this project) JUnit reports it skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackContractTest extends LedgerStoreContract {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SQS);

    @Override
    URI dynamoEndpoint() {
        return LOCALSTACK.getEndpointOverride(LocalStackContainer.Service.DYNAMODB);
    }

    @Override
    URI sqsEndpoint() {
        return LOCALSTACK.getEndpointOverride(LocalStackContainer.Service.SQS);
    }
}
