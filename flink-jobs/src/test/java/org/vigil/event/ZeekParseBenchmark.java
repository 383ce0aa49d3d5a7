package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints how many Zeek conn records per second one thread turns into events: JSON records through the parser, and
 * TSV lines (under their header) through the line normaliser, the parser's per-record work for each form.
 *
 * <pre>
 * ZeekParseBenchmark [--records 200000] [--repetitions 5]
 * </pre>
 */
public final class ZeekParseBenchmark {

    private ZeekParseBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = 200_000;
        int repetitions = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--repetitions" -> repetitions = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: ZeekParseBenchmark [--records 200000] "
                        + "[--repetitions 5]");
            }
        }
        List<byte[]> json = new ArrayList<>(records);
        List<String> tsv = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            String ip = "10.20." + (i / 250 % 250) + "." + (1 + i % 250);
            String ts = (1772438400L + i / 100) + "." + String.format(Locale.ROOT, "%06d", i % 1_000_000);
            json.add(ZeekRecords.CONN_JSON.replace("1772438400.123456", ts).replace("10.20.4.17", ip)
                    .replace("51544", String.valueOf(1024 + i % 60000)).getBytes(UTF_8));
            tsv.add(dataLine(ZeekRecords.CONN_TSV).replace("1772438400.123456", ts).replace("10.20.4.17", ip)
                    .replace("51544", String.valueOf(1024 + i % 60000)));
        }
        EventParser parser = EventParser.builder().topicFormat(ZeekRecords.ZEEK_TOPIC, EventFormat.ZEEK).build();
        ZeekLineNormaliser lines = new ZeekLineNormaliser();
        ZeekTsvHeader header = lines.defaultHeader();
        for (String line : ZeekRecords.CONN_TSV.split("\n")) {
            if (lines.isHeaderLine(line)) {
                header = lines.readHeader(line, header);
            }
        }

        double[] jsonRates = new double[repetitions];
        double[] tsvRates = new double[repetitions];
        runJson(parser, json);
        runTsv(lines, header, tsv);
        for (int r = 0; r < repetitions; r++) {
            jsonRates[r] = runJson(parser, json);
            tsvRates[r] = runTsv(lines, header, tsv);
        }
        System.out.printf(Locale.ROOT, "Zeek conn records per second, one thread, median of %d runs of %,d:%n",
                repetitions, records);
        System.out.printf(Locale.ROOT, "  JSON through EventParser:        %,10.0f%n", median(jsonRates));
        System.out.printf(Locale.ROOT, "  TSV through ZeekLineNormaliser:  %,10.0f%n", median(tsvRates));
    }

    private static double runJson(EventParser parser, List<byte[]> records) {
        long start = System.nanoTime();
        int events = 0;
        for (int i = 0; i < records.size(); i++) {
            if (parser.parse(records.get(i), ZeekRecords.ZEEK_TOPIC, 0, i).isEvent()) {
                events++;
            }
        }
        return rate(events, records.size(), start);
    }

    private static double runTsv(ZeekLineNormaliser lines, ZeekTsvHeader header, List<String> records)
            throws RejectedEventException {
        long start = System.nanoTime();
        int events = 0;
        for (String line : records) {
            SecurityEvent.Builder event = SecurityEvent.builder();
            lines.normalise(line, header, event);
            // The parser's id for a line: a hash of its bytes.
            event.id(EventParser.contentId(line.getBytes(UTF_8))).build();
            events++;
        }
        return rate(events, records.size(), start);
    }

    private static double rate(int events, int records, long start) {
        if (events != records) {
            throw new IllegalStateException(records - events + " records were not events");
        }
        return records / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String dataLine(String log) {
        return log.lines().filter(line -> !line.startsWith("#")).findFirst().orElseThrow();
    }
}
