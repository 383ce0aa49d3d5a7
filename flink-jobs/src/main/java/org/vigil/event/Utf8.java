package org.vigil.event;

/**
 * The well-formed UTF-8 byte sequences of the Unicode standard (table 3-7): no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF.
 */
final class Utf8 {

    private Utf8() {}

    /** The offset of the first byte that does not start a well-formed sequence, or -1 when all bytes are UTF-8. */
    static int firstMalformed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int length;
            // The second byte's range is narrower after some lead bytes: that is what rules out overlong
            // forms (after E0, F0), surrogates (after ED) and code points above U+10FFFF (after F4).
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                length = 3;
                if (lead == 0xE0) {
                    secondMin = 0xA0;
                } else if (lead == 0xED) {
                    secondMax = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                length = 4;
                if (lead == 0xF0) {
                    secondMin = 0x90;
                } else if (lead == 0xF4) {
                    secondMax = 0x8F;
                }
            } else {
                return i;
            }
            if (i + length > bytes.length) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
