package org.vigil.event;

import java.util.List;
import java.util.Random;

/** Damages a good log line the ways shippers and hostile senders do, for the line formats' mangling tests. */
final class LineMangler {
    private LineMangler() {}

    /**
     * One of {@code kinds} damages, drawn from {@code random}: truncated, characters replaced or inserted from
     * {@code nasty}, a run deleted, another of {@code lines} spliced in (a lost line break); a sixth kind, when
     * asked for, leaves the line as it is.
     */
    static String mangle(Random random, String good, List<String> lines, String nasty, int kinds) {
        StringBuilder line = new StringBuilder(good);
        switch (random.nextInt(kinds)) {
            case 0 -> line.setLength(random.nextInt(line.length() + 1));
            case 1 -> {
                for (int flips = 1 + random.nextInt(3); flips > 0 && line.length() > 0; flips--) {
                    line.setCharAt(random.nextInt(line.length()), nasty.charAt(random.nextInt(nasty.length())));
                }
            }
            case 2 -> line.insert(random.nextInt(line.length() + 1), nasty.charAt(random.nextInt(nasty.length())));
            case 3 -> {
                int from = random.nextInt(line.length());
                line.delete(from, Math.min(line.length(), from + 1 + random.nextInt(8)));
            }
            case 4 -> {
                String other = lines.get(random.nextInt(lines.size()));
                line.insert(random.nextInt(line.length() + 1), other.substring(0, random.nextInt(other.length())));
            }
            default -> {
                // Left as it is: a valid line, or a header line that sets up the next ones.
            }
        }
        return line.toString();
    }
}
