package com.keyhold.kms.customkeystoreconnection.core;

import java.util.List;
import java.util.Optional;

/** Where ownership records live. Implementations throw the AWS SDK's exceptions unchanged, except as noted. */
public interface OwnershipPort {

    /** GetParametersByPath's largest page. */
    int MAX_PAGE_SIZE = 10;

    /** A page of managed key store records. */
    record Page(List<OwnershipRecord> records, String nextToken) {
    }

    /** Writes the record unless one exists; returns the existing record instead of writing when there is one. */
    Optional<OwnershipRecord> claim(OwnershipRecord record);

    Optional<OwnershipRecord> find(String customKeyStoreId);

    void save(OwnershipRecord record);

    /** Removes the record; a record that is already gone is not an error. */
    void release(String customKeyStoreId);

    /** One page of at most {@code pageSize} records (1 to {@link #MAX_PAGE_SIZE}), from {@code nextToken} on. */
    Page list(String nextToken, int pageSize);
}
