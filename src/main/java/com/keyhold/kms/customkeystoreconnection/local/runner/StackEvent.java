package com.keyhold.kms.customkeystoreconnection.local.runner;

/** A stack event as CloudFormation records it; {@code elapsed} is since the operation started. */
public final class StackEvent {
    public String timestamp;
    public String elapsed;
    public String logicalId;
    public String physicalId;
    public String resourceType;
    public String status;
    public String reason;

    public StackEvent() {
    }

    public StackEvent(final String timestamp, final String elapsed, final String logicalId, final String physicalId,
                      final String resourceType, final String status, final String reason) {
        this.timestamp = timestamp;
        this.elapsed = elapsed;
        this.logicalId = logicalId;
        this.physicalId = physicalId;
        this.resourceType = resourceType;
        this.status = status;
        this.reason = reason;
    }
}
