package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wrapper empties java.io.tmpdir on every request; outside Lambda it must only ever empty a private one. Each
 * test reads java.io.tmpdir as it finds it and puts it back, so none depends on which class ran before.
 */
class TempDirectoryTest {
    private final String tmpdirBefore = System.getProperty("java.io.tmpdir");
    private final Path shared = Path.of(tmpdirBefore);

    @AfterEach
    void restoreTmpdir() {
        System.setProperty("java.io.tmpdir", tmpdirBefore);
    }

    @Test
    void thePrivateDirectoryIsFreshAndInsideTheCurrentOne() {
        final TempDirectoryGuard guard = TempDirectoryGuard.privateDirectory();
        final Path moved = currentTmpdir();
        assertThat(moved).as("java.io.tmpdir moved").isNotEqualTo(shared).startsWith(shared).isEmptyDirectory();
        assertThat(guard.directory()).contains(moved);
    }

    @Test
    void aRequestEmptiesThePrivateDirectoryAndLeavesTheRealOneAlone() throws IOException {
        final VirtualClock clock = new VirtualClock();
        final HandlerConfig config = new HandlerConfig(clock, new FixedClients(new FakeKms(clock), new FakeSsm()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
        final TempDirectoryGuard guard = TempDirectoryGuard.privateDirectory();
        final WrapperDriver driver = new WrapperDriver(clock, config, guard);
        final Path precious = Files.createTempFile(shared, "precious-", ".txt");
        final Path scratch = Files.createTempFile(currentTmpdir(), "scratch-", ".txt");
        try {
            assertThat(scratch).as("a file left where java.io.tmpdir now points").startsWith(guard.directory().get());
            driver.invoke(driver.request("READ", Map.of("CustomKeyStoreId", "cks-1234567890abcdef0"), null));
            assertThat(precious).as("the machine's temporary directory is untouched").exists();
            assertThat(scratch).as("the private directory was scrubbed, so the scrub did run").doesNotExist();
        } finally {
            Files.deleteIfExists(precious);
        }
    }

    @Test
    void aGuardKeepsScrubbingItsOwnDirectoryAfterTmpdirMovesBack() throws IOException {
        final TempDirectoryGuard guard = TempDirectoryGuard.privateDirectory();
        final Path scratch = Files.createTempFile(currentTmpdir(), "scratch-", ".txt");
        System.setProperty("java.io.tmpdir", tmpdirBefore);
        final Path precious = Files.createTempFile(shared, "precious-", ".txt");
        try {
            guard.scrub();
            assertThat(precious).as("the directory java.io.tmpdir names now is not the guard's").exists();
            assertThat(scratch).doesNotExist();
        } finally {
            Files.deleteIfExists(precious);
        }
    }

    @Test
    void outsideLambdaTheDefaultGuardNeverScrubs() throws IOException {
        // Tests never run with AWS_LAMBDA_FUNCTION_NAME set.
        final Path kept = Files.createTempFile(shared, "kept-", ".txt");
        try {
            assertThat(TempDirectoryGuard.forEnvironment().directory()).isEmpty();
            TempDirectoryGuard.forEnvironment().scrub();
            TempDirectoryGuard.never().scrub();
            assertThat(kept).as("neither guard touched the temporary directory").exists();
        } finally {
            Files.deleteIfExists(kept);
        }
    }

    @Test
    void theDriversOwnGuardLeavesTmpdirWhereItWas() {
        final TempDirectoryGuard guard = WrapperDriver.privateDirectoryLeavingTmpdirAlone();
        assertThat(System.getProperty("java.io.tmpdir")).isEqualTo(tmpdirBefore);
        assertThat(guard.directory().get()).startsWith(shared).isNotEqualTo(shared);
    }

    /** Read each time: Files.createTempFile(prefix, suffix) caches the first value it sees for the whole JVM. */
    private static Path currentTmpdir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
