package org.vigil.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.vigil.enrich.LoadError;
import org.vigil.enrich.LoadResult;
import org.vigil.enrich.ReferenceFileReader;
import org.vigil.enrich.ReferenceKind;
import org.vigil.enrich.ReferenceTopicWriter;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/** {@code vigil intel load}: validates a reference-data file and publishes it to its kind's compacted topic. */
final class IntelCommand {
    static final String USAGE = """
            usage: vigil intel load --kind assets|botnet|iocs|vulns FILE [options]

            Reads FILE (CSV with a header line, a JSON array, or JSON lines; by its extension .csv, .json, .jsonl,
            .ndjson), checks every record and prints each problem as file:line: field: reason. With any problem
            nothing is published and the exit status is 1. Otherwise the records go to the kind's compacted topic.
            A botnet file is one list version (list_version, e.g. 2026-11): it replaces the whole list, and the
            records of other versions are removed from the topic.

            options:
              --format csv|json          override the format the extension implies
              --replace                  also remove (tombstone) the kind's records that FILE no longer has
              --check                    only validate; publish nothing
              --config FILE              the job's properties file (Kafka address, security, topic names)
              --bootstrap-servers HOSTS  Kafka brokers (default: kafka.bootstrap.servers, localhost:9092)
              --topic TOPIC              target topic (default: intel.topic.<kind>, e.g. vigil.intel.assets)
            """;

    private final PrintStream out;
    private final PrintStream err;

    IntelCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) throws IOException, InterruptedException {
        try {
            return load(args);
        } catch (IllegalArgumentException e) {
            err.println("vigil intel load: " + e.getMessage() + "; see vigil intel --help");
            return 2;
        }
    }

    private int load(List<String> args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(args);
        if (a.contains("--help") || a.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        String sub = a.isEmpty() ? "" : a.remove(0);
        if (!sub.equals("load")) {
            err.println("vigil intel: expected 'load', got '" + sub + "'\n\n" + USAGE);
            return 2;
        }
        String kindName = option(a, "--kind");
        String format = option(a, "--format");
        String configFile = option(a, "--config");
        String bootstrap = option(a, "--bootstrap-servers");
        String topicOption = option(a, "--topic");
        boolean replace = a.remove("--replace");
        boolean check = a.remove("--check");
        if (kindName == null || a.size() != 1 || a.get(0).startsWith("--")) {
            err.println("vigil intel load: expected --kind KIND and one FILE, got " + args + "\n\n" + USAGE);
            return 2;
        }
        ReferenceKind kind = ReferenceKind.of(kindName);
        if (replace && kind == ReferenceKind.BOTNET) {
            err.println("vigil intel load: --replace does not apply to the botnet list, which a new version always "
                    + "replaces as a whole");
            return 2;
        }
        Path file = Path.of(a.get(0));
        if (!Files.isRegularFile(file)) {
            err.println("vigil intel load: no such file " + file);
            return 2;
        }
        if (format != null && !List.of("csv", "json").contains(format.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--format must be csv or json, got '" + format + "'");
        }
        LoadResult result = format == null ? ReferenceFileReader.read(file, kind)
                : ReferenceFileReader.read(file, kind, ReferenceFileReader.Format.valueOf(format.toUpperCase(Locale.ROOT)));
        if (!result.ok()) {
            result.errors().stream().map(LoadError::toString).forEach(err::println);
            err.println(result.errors().size() + " problem(s) in " + file + "; nothing was published. Fix the lines "
                    + "above and run the command again.");
            return 1;
        }
        out.println(file + ": " + result.records().size() + " " + kind.label() + " records, all valid");
        if (check) {
            return 0;
        }
        VigilConfig config = VigilConfig.load(configFile == null ? null : Path.of(configFile));
        Properties client = config.kafkaClientProperties();
        client.setProperty("bootstrap.servers",
                bootstrap != null ? bootstrap : config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS));
        String topic = topicOption != null ? topicOption : config.require(VigilOptions.intelTopic(kind));
        ReferenceTopicWriter.Summary summary;
        try {
            summary = new ReferenceTopicWriter(client).publish(result, topic, replace);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            err.println("vigil intel load: " + e.getMessage() + " (Kafka at " + client.getProperty("bootstrap.servers")
                    + "; is it running, and is --bootstrap-servers or kafka.bootstrap.servers right?)");
            return 1;
        }
        out.println("published " + summary.records() + " records and " + summary.tombstones() + " tombstones to "
                + summary.topic() + (summary.botnetVersion() == null ? ""
                        : "; botnet list version " + summary.botnetVersion() + " replaces the previous list"));
        return 0;
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
