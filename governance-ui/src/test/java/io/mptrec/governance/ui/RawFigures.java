package io.mptrec.governance.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in a page's text, the figures the formatting policy ({@code io.mptrec.model.format.Figures}) would have
 * shortened: decimals with more than 4 significant digits (0.8557681454916167), times with seconds (11:27:03 or
 * 2026-12-01T11:27), and whole hashes (40 or more hex digits). Counts with separators, short hashes, dates and
 * version strings (0.1.0-SNAPSHOT) pass.
 */
final class RawFigures {

    private static final Pattern DECIMAL = Pattern.compile("(?<![\\d.,:])(\\d+)\\.(\\d+)(?![\\d.])");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}:\\d{2}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
    private static final Pattern HASH = Pattern.compile("(?<![0-9a-fA-F])[0-9a-f]{40,}(?![0-9a-fA-F])");

    private RawFigures() {
    }

    static List<String> in(String text) {
        List<String> raw = new ArrayList<>();
        Matcher decimal = DECIMAL.matcher(text);
        while (decimal.find()) {
            if (significantDigits(decimal.group(1), decimal.group(2)) > 4) {
                raw.add("number " + decimal.group() + context(text, decimal));
            }
        }
        TIME.matcher(text).results().forEach(m -> raw.add("time " + m.group()));
        HASH.matcher(text).results().forEach(m -> raw.add("hash " + m.group()));
        return raw;
    }

    /** 0.02064 has 4, 0.8558 has 4, 12.35 has 4, 1.000 has 4, 0.85576 has 5. */
    static int significantDigits(String whole, String fraction) {
        String digits = (whole + fraction).replaceFirst("^0+", "");
        return digits.isEmpty() ? 1 : digits.length();
    }

    private static String context(String text, Matcher m) {
        return " in \"" + text.substring(Math.max(0, m.start() - 30), Math.min(text.length(), m.end() + 10))
                .replace('\n', ' ') + "\"";
    }
}
