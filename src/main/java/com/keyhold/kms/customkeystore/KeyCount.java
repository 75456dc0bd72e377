package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStoreAdmin.KeyPage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delete's count of the KMS keys in its key store, carried across invocations in the callback context: where
 * the next ListKeys page starts, and what the pages so far held. A page is added only once all of it was described,
 * so a call back after an error repeats that page and nothing is counted twice. The key ids it keeps for the message
 * are bounded, so the context stays small whatever the account holds.
 */
public final class KeyCount {
    /** Key ids kept for the message, per list. */
    static final int NAMED = 10;

    private String marker;
    private boolean done;
    private int listed;
    private int inStore;
    private int denied;
    private final List<String> inStoreNamed = new ArrayList<>();
    private final List<String> deniedNamed = new ArrayList<>();

    /** Adds a fully described page. */
    void add(final KeyPage page) {
        listed += page.listed();
        inStore += page.inStore().size();
        denied += page.denied().size();
        keep(inStoreNamed, page.inStore());
        keep(deniedNamed, page.denied());
        marker = page.nextMarker();
        done = page.nextMarker() == null;
    }

    private static void keep(final List<String> named, final List<String> ids) {
        for (String id : ids) {
            if (named.size() < NAMED) {
                named.add(id);
            }
        }
    }

    String marker() {
        return marker;
    }

    boolean done() {
        return done;
    }

    int listed() {
        return listed;
    }

    int inStore() {
        return inStore;
    }

    int denied() {
        return denied;
    }

    /** The first key ids in the key store, and how many more there are: "k1, k2 and 3 more". */
    String inStoreNamed() {
        return named(inStoreNamed, inStore);
    }

    /** The first key ids whose DescribeKey was denied, and how many more. */
    String deniedNamed() {
        return named(deniedNamed, denied);
    }

    private static String named(final List<String> named, final int total) {
        final String ids = String.join(", ", named);
        return total > named.size() ? ids + " and " + (total - named.size()) + " more" : ids;
    }

    Map<String, Object> toMap() {
        final Map<String, Object> map = new LinkedHashMap<>();
        if (marker != null) {
            map.put("marker", marker);
        }
        map.put("done", done);
        map.put("listed", listed);
        map.put("inStore", inStore);
        map.put("denied", denied);
        map.put("inStoreNamed", List.copyOf(inStoreNamed));
        map.put("deniedNamed", List.copyOf(deniedNamed));
        return map;
    }

    static KeyCount fromMap(final Map<String, Object> map) {
        final KeyCount count = new KeyCount();
        count.marker = (String) map.get("marker");
        count.done = Boolean.TRUE.equals(map.get("done"));
        count.listed = number(map, "listed");
        count.inStore = number(map, "inStore");
        count.denied = number(map, "denied");
        strings(map.get("inStoreNamed"), count.inStoreNamed);
        strings(map.get("deniedNamed"), count.deniedNamed);
        return count;
    }

    private static int number(final Map<String, Object> map, final String key) {
        final Object value = map.get(key);
        return value instanceof Number ? ((Number) value).intValue() : 0;
    }

    private static void strings(final Object value, final List<String> into) {
        if (value instanceof List<?>) {
            for (Object item : (List<?>) value) {
                if (into.size() < NAMED) {
                    into.add(String.valueOf(item));
                }
            }
        }
    }
}
