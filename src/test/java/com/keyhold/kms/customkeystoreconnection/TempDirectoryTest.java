package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wrapper empties java.io.tmpdir on every request; outside Lambda it must only ever empty a private one. */
class TempDirectoryTest {

    @Test
    void aFileInTheRealTemporaryDirectorySurvivesARequest() throws IOException {
        final VirtualClock clock = new VirtualClock();
        final WrapperDriver driver = new WrapperDriver(clock, new FixedClients(new FakeKms(clock), new FakeSsm()));
        final Path shared = WrapperDriver.sharedTemporaryDirectory();
        final Path privateDir = Path.of(System.getProperty("java.io.tmpdir"));
        assertThat(privateDir).as("the driver moved java.io.tmpdir").isNotEqualTo(shared).startsWith(shared);

        final Path precious = Files.createTempFile(shared, "precious-", ".txt");
        final Path scratch = Files.createTempFile(privateDir, "scratch-", ".txt");
        try {
            driver.invoke(driver.request("READ", Map.of("CustomKeyStoreId", "cks-1234567890abcdef0"), null));
            assertThat(precious).as("the machine's temporary directory is untouched").exists();
            assertThat(scratch).as("the private directory was scrubbed, so the scrub did run").doesNotExist();
        } finally {
            Files.deleteIfExists(precious);
        }
    }

    @Test
    void outsideLambdaTheDefaultGuardNeverScrubs() throws IOException {
        // Tests never run with AWS_LAMBDA_FUNCTION_NAME set.
        final Path kept = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "kept-", ".txt");
        try {
            TempDirectoryGuard.forEnvironment().scrub();
            TempDirectoryGuard.never().scrub();
            assertThat(kept).as("neither guard touched the temporary directory").exists();
        } finally {
            Files.deleteIfExists(kept);
        }
    }
}
