package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.CloudFormationService;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state folder's stacks as DescribeStackResources sees them: by name or by the id of the stack as it is now. */
class LocalStacksTest {
    @TempDir
    Path dir;

    @Test
    void aStackIsFoundByNameOrItsOwnIdOnly() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState s = f.deploy("pay", RunnerFixture.TWO_STORES, Map.of());
            final LocalStacks stacks = new LocalStacks(new StateStore(dir));
            assertThat(stacks.resources(s.stackId).orElseThrow()).extracting(
                    CloudFormationService.Stacks.Resource::logicalId, CloudFormationService.Stacks.Resource::physicalId,
                    CloudFormationService.Stacks.Resource::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Hsm", RunnerFixture.HSM, "CREATE_COMPLETE"),
                    org.assertj.core.groups.Tuple.tuple("Xks", RunnerFixture.XKS, "CREATE_COMPLETE"));
            assertThat(stacks.resources("pay").orElseThrow()).hasSize(2);
            assertThat(stacks.resources(s.stackId).orElseThrow().get(0).stackId()).isEqualTo(s.stackId);
            // An earlier stack of the same name (another id), a stack never made, and ids that name no stack.
            assertThat(stacks.resources(s.stackId.substring(0, s.stackId.lastIndexOf('/')) + "/other")).isEmpty();
            assertThat(stacks.resources("arn:aws:cloudformation:us-east-1:111122223333:stack/gone/1")).isEmpty();
            assertThat(stacks.resources("arn:aws:cloudformation:us-east-1:111122223333:stack/pay")).isEmpty();
            assertThat(stacks.resources("arn:aws:cloudformation:us-east-1:111122223333:function/pay")).isEmpty();
            assertThat(stacks.resources("../pay")).isEmpty();
        }
    }
}
