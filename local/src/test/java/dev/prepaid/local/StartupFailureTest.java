package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures say what to do, and leave nothing running. */
class StartupFailureTest {

    @Test
    void aPortInUseIsExplained() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LocalStack.StartupException e = assertThrows(LocalStack.StartupException.class,
                    () -> LocalStack.start(TestSupport.options(TestSupport.realTemplate()).withPort(port)));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("--port"), e.getMessage());
        }
    }

    @Test
    void aTemplateThatIsNotYamlIsExplained(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("template.yaml");
        Files.writeString(broken, "Resources:\n  Oops: !Refs Nothing\n");
        LocalStack.StartupException e = assertThrows(LocalStack.StartupException.class,
                () -> LocalStack.start(TestSupport.options(broken)));
        assertTrue(e.getMessage().contains("!Refs"), e.getMessage());
    }
}
