package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStoreAdmin.KeyPage;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The delete's key count as the callback context carries it between invocations: bounded, and whole after a trip. */
class KeyCountTest {
    private static List<String> ids(final String prefix, final int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void pagesAddUpAndOnlyTheFirstTenIdsAreKept() {
        final KeyCount count = new KeyCount();
        count.add(new KeyPage(1000, ids("in-", 7), ids("denied-", 8), "m1"));
        assertThat(count.done()).isFalse();
        assertThat(count.marker()).isEqualTo("m1");
        count.add(new KeyPage(5, ids("in2-", 5), ids("denied2-", 5), null));

        assertThat(count.done()).isTrue();
        assertThat(count.marker()).isNull();
        assertThat(count.listed()).isEqualTo(1005);
        assertThat(count.inStore()).isEqualTo(12);
        assertThat(count.denied()).isEqualTo(13);
        assertThat(count.inStoreNamed()).isEqualTo("in-0, in-1, in-2, in-3, in-4, in-5, in-6, in2-0, in2-1, in2-2 and "
            + "2 more");
        assertThat(count.deniedNamed()).startsWith("denied-0, ").endsWith("denied-7, denied2-0, denied2-1 and 3 more");
    }

    @Test
    void aFewIdsAreNamedWithoutAnAnd() {
        final KeyCount count = new KeyCount();
        count.add(new KeyPage(3, List.of("a"), List.of("b", "c"), null));
        assertThat(count.inStoreNamed()).isEqualTo("a");
        assertThat(count.deniedNamed()).isEqualTo("b, c");
    }

    @Test
    void theCallbackContextCarriesItWhole() {
        final KeyCount count = new KeyCount();
        count.add(new KeyPage(1000, ids("in-", 12), ids("denied-", 3), "marker-2"));
        final CallbackContext context = new CallbackContext();
        context.setKeyCount(count);
        final Map<String, Object> written = CallbackContextJson.CODEC.write(context);

        final KeyCount read = CallbackContextJson.CODEC.read(new JSONObject(written)).getKeyCount();

        assertThat(read.toMap()).isEqualTo(count.toMap());
        assertThat(read.marker()).isEqualTo("marker-2");
        assertThat(read.done()).isFalse();
        assertThat(read.inStoreNamed()).endsWith("and 2 more");
        assertThat(read.deniedNamed()).isEqualTo("denied-0, denied-1, denied-2");
        assertThat(CallbackContextJson.CODEC.read(new JSONObject()).getKeyCount()).isNull();
        assertThat(KeyCount.fromMap(Map.of()).listed()).isZero();
    }
}
