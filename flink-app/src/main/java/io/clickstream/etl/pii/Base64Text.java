package io.clickstream.etl.pii;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Text hidden in base64 (standard or URL-safe, padded or not), as unsubscribe links carry the
 * subscriber's address and tracking parameters carry JSON. Only values that decode to valid UTF-8
 * without control characters count as text; ids and hashes, which decode to arbitrary bytes, do
 * not.
 */
final class Base64Text {
    /** Nine bytes: the shortest addresses worth finding ({@code ab@gmx.de}). */
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 8192;

    private Base64Text() {
    }

    /**
     * Whether the characters between from and to can be base64 of text: long enough, one
     * alphabet, padding only at the end, and both upper and lower case letters (which base64 of
     * text has, and a word or a slug in one case has not).
     */
    static boolean plausible(String s, int from, int to) {
        int length = to - from;
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return false;
        }
        int padding = 0;
        while (padding < 2 && s.charAt(to - 1 - padding) == '=') {
            padding++;
        }
        boolean upper = false;
        boolean lower = false;
        boolean standard = false;
        boolean urlSafe = false;
        for (int i = from; i < to - padding; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c == '+' || c == '/') {
                standard = true;
            } else if (c == '-' || c == '_') {
                urlSafe = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        int data = length - padding;
        return upper && lower && !(standard && urlSafe) && data % 4 != 1 && (padding == 0 || length % 4 == 0);
    }

    /** The text a {@link #plausible} value decodes to, or null when it is not text. */
    static String decode(String value) {
        String v = value;
        while (v.endsWith("=")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.length() % 4 == 1) {
            return null; // one character left over: six bits, no byte
        }
        boolean urlSafe = v.indexOf('-') >= 0 || v.indexOf('_') >= 0;
        byte[] bytes;
        try {
            bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(v + "==".substring(0, (4 - v.length() % 4) % 4));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        for (byte b : bytes) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }
}
