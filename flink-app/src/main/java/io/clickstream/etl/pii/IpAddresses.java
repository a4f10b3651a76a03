package io.clickstream.etl.pii;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spelling per client address, so that a keyed pseudonym names a client, not a way of writing
 * it: the same visitor reaches the job as {@code 2001:DB8::1}, {@code [2001:db8::1]:443},
 * {@code 81.2.69.160:51234}, {@code ::ffff:81.2.69.160} or the first entry of a forwarded-for list,
 * depending on the proxy or the logging layer in front of the site.
 */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}:\\d{1,5}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {
    }

    /**
     * The client address {@code value} names: the first of a comma-separated (forwarded-for) list,
     * without brackets, port or zone; IPv4 in plain decimal, an IPv4-mapped IPv6 address as its
     * IPv4 address, IPv6 in RFC 5952's form (lower case, zeros compressed). A value that is no
     * address comes back trimmed.
     */
    static String canonical(String value) {
        String s = value.trim();
        int comma = s.indexOf(',');
        if (comma >= 0) {
            s = s.substring(0, comma).trim();
        }
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            s = end > 0 ? s.substring(1, end) : s;
        } else if (IPV4_WITH_PORT.matcher(s).matches()) {
            s = s.substring(0, s.indexOf(':'));
        }
        int zone = s.indexOf('%');
        if (zone > 0) {
            s = s.substring(0, zone);
        }
        Matcher v4 = IPV4.matcher(s);
        if (v4.matches()) {
            return ipv4(v4) ? s.replaceAll("(?<=^|\\.)0+(?=\\d)", "") : value.trim();
        }
        if (s.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(s).matches()) {
            try {
                // A literal with ':' is parsed, never looked up: no DNS request leaves the job.
                InetAddress address = InetAddress.getByName(s);
                return address instanceof Inet4Address ? address.getHostAddress() : rfc5952(address.getAddress());
            } catch (UnknownHostException notAnAddress) {
                return value.trim();
            }
        }
        return value.trim();
    }

    private static boolean ipv4(Matcher octets) {
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(octets.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups (the first of equals) as {@code ::}. */
    private static String rfc5952(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
