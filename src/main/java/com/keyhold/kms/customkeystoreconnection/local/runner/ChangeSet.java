package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A change set as the state folder keeps it ({@code <state-dir>/stacks/<stack>/changesets/<name>.json}). */
public final class ChangeSet {
    public String changeSetName;
    public String stackName;
    /** CREATE (the stack does not exist yet) or UPDATE. */
    public String changeSetType;
    /** CREATE_COMPLETE, or FAILED when it has no changes. */
    public String status;
    /** AVAILABLE, UNAVAILABLE (no changes), OBSOLETE (the stack changed since), EXECUTE_COMPLETE, EXECUTE_FAILED. */
    public String executionStatus;
    public String statusReason;
    public String createdAt;
    public String templateBody;
    public Map<String, String> parameters = new TreeMap<>();
    public List<Change> changes = new ArrayList<>();
    /** The stack version it was computed against. */
    public long stackVersion;

    /** One resource change: Add, Modify or Remove, as CloudFormation shows them. */
    public static final class Change {
        public String action;
        public String logicalId;
        public String physicalId;
        public String resourceType;
        /** Modify only: True, False or Conditional. */
        public String replacement;
        public List<PropertyChange> details = new ArrayList<>();

        public Change() {
        }

        public Change(final String action, final String logicalId, final String physicalId, final String resourceType,
                      final String replacement) {
            this.action = action;
            this.logicalId = logicalId;
            this.physicalId = physicalId;
            this.resourceType = resourceType;
            this.replacement = replacement;
        }
    }

    /** A property that changes; requiresRecreation is Always, Never or Conditional, as in CloudFormation. */
    public static final class PropertyChange {
        public String name;
        public String before;
        public String after;
        public String requiresRecreation;
        /**
         * A key store's in-place change only: yes when the update disconnects the key store for it (disconnect,
         * update, reconnect), no when KMS changes it while connected, maybe when the update tries in place and
         * disconnects only if KMS refuses; null for other types.
         */
        public String requiresDisconnect;

        public PropertyChange() {
        }

        public PropertyChange(final String name, final String before, final String after,
                              final String requiresRecreation) {
            this.name = name;
            this.before = before;
            this.after = after;
            this.requiresRecreation = requiresRecreation;
        }
    }
}
