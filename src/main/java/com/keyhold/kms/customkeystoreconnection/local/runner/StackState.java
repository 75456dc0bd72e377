package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One local stack as the state folder keeps it ({@code <state-dir>/stacks/<name>/stack.json}): the last deployed
 * template and parameters, each resource's physical id and last properties, the status, and while an operation runs
 * the operation itself (plan, progress, the in-flight resource's callback context) so that a crash can be resumed.
 */
public final class StackState {
    public String stackName;
    public String stackId;
    public String region;
    /** Where its key stores and records live (with {@link #region}); null in stacks of older versions. */
    public StackTarget target;
    public String status;
    public String statusReason;
    public String createdAt;
    public String updatedAt;
    /** Bumped after every operation; a change set made against an older version is obsolete. */
    public long version;
    public String templateBody;
    public Map<String, String> parameters = new TreeMap<>();
    public Map<String, ResourceState> resources = new LinkedHashMap<>();
    public Map<String, String> outputs = new LinkedHashMap<>();
    /** Export name to value, for Fn::ImportValue in the other stacks of the state folder. */
    public Map<String, String> exports = new LinkedHashMap<>();
    /** The exports of other stacks this stack's template imports (Fn::ImportValue): those stacks keep them. */
    public List<String> imports = new ArrayList<>();
    /**
     * After a rollback: each key store whose connection state differs from before the failed operation, with its
     * state then and now (empty: the rollback left nothing changed).
     */
    public List<String> leftChanged = new ArrayList<>();
    /** Non-null while an operation runs (or after a crash interrupted one). */
    public Operation operation;

    public boolean inProgress() {
        return status != null && status.endsWith("_IN_PROGRESS");
    }

    /** A resource of the stack: what the last successful operation left. */
    public static final class ResourceState {
        public String logicalId;
        public String type;
        public String physicalId;
        public String status;
        public String statusReason;
        /** The resolved properties last sent to the handler (what drift detection compares against). */
        public ObjectNode properties;
        /** The model the handler returned (read-only attributes for Fn::GetAtt). */
        public ObjectNode attributes;
        public List<String> dependsOn = new ArrayList<>();
        public boolean retain;

        public ResourceState copy() {
            final ResourceState c = new ResourceState();
            c.logicalId = logicalId;
            c.type = type;
            c.physicalId = physicalId;
            c.status = status;
            c.statusReason = statusReason;
            c.properties = properties == null ? null : properties.deepCopy();
            c.attributes = attributes == null ? null : attributes.deepCopy();
            c.dependsOn = new ArrayList<>(dependsOn);
            c.retain = retain;
            return c;
        }
    }

    /** An operation on the stack: what to do, in order, and how far it got. */
    public static final class Operation {
        /** CREATE, UPDATE or DELETE. */
        public String kind;
        public String changeSetName;
        /** FORWARD, CLEANUP (removing what the update replaced or dropped) or ROLLBACK. */
        public String phase;
        public String startedAt;
        public String targetTemplate;
        public Map<String, String> targetParameters = new TreeMap<>();
        public List<Step> steps = new ArrayList<>();
        public List<Step> rollbackSteps = new ArrayList<>();
        /** The stack's resources, template, parameters and status before the operation: what a rollback restores. */
        public Map<String, ResourceState> before = new LinkedHashMap<>();
        public String beforeTemplate;
        public Map<String, String> beforeParameters = new TreeMap<>();
        public Map<String, String> beforeOutputs = new LinkedHashMap<>();
        public Map<String, String> beforeExports = new LinkedHashMap<>();
        /** Every key store the operation names. */
        public List<String> keyStoresNamed = new ArrayList<>();
        /** Their connection states when it started (those that could be read). */
        public Map<String, String> keyStoresBefore = new TreeMap<>();
        /**
         * Written by versions that ran one resource at a time: their call in flight. Read for recovery only (moved to
         * its step); each step now keeps its own {@link Step#call}.
         */
        public ProviderCall current;
        /** Why the operation failed (first failure), when it did. */
        public String failure;
    }

    /** One resource action of an operation. */
    public static final class Step {
        public String logicalId;
        /**
         * CREATE, UPDATE, REPLACE (create the new one), DELETE, DELETE_REPLACED (remove the old one); in a rollback
         * ROLLBACK_DELETE (remove what the update created), ROLLBACK_UPDATE (back to the previous properties) and
         * ROLLBACK_RECREATE (create again, from the previous properties, what a delete-then-create replacement deleted).
         */
        public String kind;
        /** PENDING, DONE, FAILED or SKIPPED. */
        public String status = "PENDING";
        public String errorCode;
        /** DELETE_REPLACED and rollback of a REPLACE: the physical id to delete. */
        public String physicalId;
        /** Part of the cleanup after an update (removals, replaced resources), which runs after everything else. */
        public boolean cleanup;
        /** The properties this step sent: a rollback deletes or reverts from them. */
        public ObjectNode properties;
        /** The resource call in flight, with its callback context: saved before each invocation; null otherwise. */
        public ProviderCall call;
        /** REPLACE under replacementStrategy delete_then_create: the old resource is deleted; the create comes next. */
        public boolean oldDeleted;
        /** Why the step failed (the handler's error code and message). */
        public String reason;

        public Step() {
        }

        public Step(final String logicalId, final String kind) {
            this.logicalId = logicalId;
            this.kind = kind;
        }
    }
}
