package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.emulator.CloudFormationService;
import java.util.List;
import java.util.Optional;

/**
 * The state folder's stacks as CloudFormation's DescribeStackResources sees them, served on the in-process emulator's
 * endpoint: a stack by name or by id (a stack id names one stack only: a stack deleted and created again under the
 * same name has a new id, and the old id no longer exists).
 */
final class LocalStacks implements CloudFormationService.Stacks {
    private final StateStore store;

    LocalStacks(final StateStore store) {
        this.store = store;
    }

    @Override
    public Optional<List<Resource>> resources(final String stackNameOrId) {
        final boolean byId = stackNameOrId.startsWith("arn:");
        final String name = byId ? nameInId(stackNameOrId) : stackNameOrId;
        if (name == null || !isStackName(name)) {
            return Optional.empty();
        }
        return store.load(name).filter(s -> !byId || stackNameOrId.equals(s.stackId))
            .map(s -> s.resources.values().stream().map(r -> new Resource(s.stackId, s.stackName, r.logicalId,
                r.physicalId, r.type, r.status, s.updatedAt != null ? s.updatedAt : s.createdAt)).toList());
    }

    /** {@code arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>}'s name. */
    private static String nameInId(final String stackId) {
        final String[] parts = stackId.split(":stack/", 2);
        if (parts.length != 2) {
            return null;
        }
        final int slash = parts[1].indexOf('/');
        return slash < 0 ? null : parts[1].substring(0, slash);
    }

    private static boolean isStackName(final String name) {
        try {
            StateStore.checkName("stack name", name);
            return true;
        } catch (UsageException e) {
            return false;
        }
    }
}
