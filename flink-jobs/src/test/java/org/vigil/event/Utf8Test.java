package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8Test {

    @ParameterizedTest
    @CsvSource({
        "'', -1", "7b7d, -1", "c3a9, -1", "e282ac, -1", "f09f9880, -1", "f48fbfbf, -1", "efbbbf, -1",
        "80, 0", "41bf, 1", "c0af, 0", "c1bf, 0", "e080af, 0", "f08080af, 0", "eda080, 0", "edbfbf, 0",
        "f4908080, 0", "f5808080, 0", "f888808080, 0", "fe, 0", "ff, 0", "41c3, 1", "c341, 0", "e282, 0",
        "e28241, 0", "f09f98, 0"})
    void findsTheFirstMalformedSequence(String hex, int offset) {
        assertThat(Utf8.firstMalformed(HexFormat.of().parseHex(hex))).isEqualTo(offset);
    }

    @Test
    void agreesWithTheJdkDecoder() {
        Random random = new Random(3L);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = i % 2 == 0 ? randomBytes(random) : mangledText(random);
            assertThat(Utf8.firstMalformed(bytes) < 0).as(HexFormat.of().formatHex(bytes))
                    .isEqualTo(DeadLetter.utf8OrNull(bytes) != null);
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(8)];
        random.nextBytes(bytes);
        return bytes;
    }

    // Text of code points from every UTF-8 length, then a byte or two changed: mostly near-valid sequences.
    private static byte[] mangledText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            int[] ranges = {0x80, 0x800, 0x10000, 0x110000};
            int codePoint = random.nextInt(ranges[random.nextInt(ranges.length)]);
            if (codePoint < 0xD800 || codePoint > 0xDFFF) {
                text.appendCodePoint(codePoint);
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int flips = random.nextInt(3); flips > 0 && bytes.length > 0; flips--) {
            bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
        }
        return bytes;
    }
}
