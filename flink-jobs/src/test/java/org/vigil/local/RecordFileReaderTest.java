package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.event.DeadLetterReason;

class RecordFileReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsOneRecordPerLineWithItsLineSkippingBlankLinesAndCarriageReturns() throws Exception {
        Path file = write("a.log", "{\"a\":1}\r\n\n   \r\nCEF:0|Vendor|Product|1|100|x|5|src=10.0.0.1\n{\"b\":2}");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).extracting(RecordFileReader.Record::line).containsExactly(1L, 4L, 5L);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "CEF:0|Vendor|Product|1|100|x|5|src=10.0.0.1", "{\"b\":2}");
        assertThat(records).allSatisfy(r -> assertThat(r.refused()).isNull());
    }

    @Test
    void handsOnALinesBytesUndecoded() throws Exception {
        Path file = dir.resolve("latin1.log");
        Files.write(file, new byte[] {'x', (byte) 0xe9, 'y', '\n'});

        assertThat(readAll(file, 1024)).singleElement().satisfies(r -> assertThat(r.value()).containsExactly('x', 0xe9, 'y'));
    }

    @Test
    void refusesALineLongerThanTheRecordLimitAndReadsOn() throws Exception {
        Path file = write("long.log", "x".repeat(50) + "\nshort\n");

        List<RecordFileReader.Record> records = readAll(file, 10);

        assertThat(records.get(0).refused()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(records.get(0).message()).contains("50 bytes").contains("limit of 10");
        assertThat(records.get(0).value()).hasSize(10);
        assertThat(records.get(1).line()).isEqualTo(2);
        assertThat(records.get(1).value()).asString().isEqualTo("short");
    }

    @Test
    void cutsTheExactBytesOfEachArrayElementWithTheLineItStartsOn() throws Exception {
        String first = "{\"timestamp\": \"2017-03-24T21:20:18.372+0000\", \"n\": 1.50}";
        Path file = write("a.json", "[\n  " + first + ",\n  {\"x\": [1, {\"y\": 2}]}\n  ,\n  3\n]\n");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).extracting(RecordFileReader.Record::line).containsExactly(2L, 3L, 5L);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(first, "{\"x\": [1, {\"y\": 2}]}", "3");
    }

    @Test
    void reportsWhereAJsonArrayBreaksOff() throws Exception {
        Path file = write("broken.json", "[{\"a\": 1},\n{\"b\": \n");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).hasSize(2);
        assertThat(records.get(1).refused()).isEqualTo(DeadLetterReason.INVALID_JSON);
        assertThat(records.get(1).line()).isEqualTo(3);
        assertThat(records.get(1).message()).contains("breaks off").contains("rest of the file is not read");
    }

    @Test
    void aLogLineStartingWithABracketIsNoArray() throws Exception {
        Path file = write("error.log", "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied\n");

        assertThat(readAll(file, 1024)).singleElement()
                .satisfies(r -> assertThat(r.value()).asString().startsWith("[Wed Oct"));
    }

    @Test
    void readsGzipCompressedLinesAndArrays() throws Exception {
        Path lines = dir.resolve("lines.jsonl.gz");
        Path array = dir.resolve("array.json.gz");
        gzip(lines, "{\"a\":1}\n{\"b\":2}\n");
        gzip(array, "[{\"a\":1},{\"b\":2}]");

        assertThat(readAll(lines, 1024)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(readAll(array, 1024)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<RecordFileReader.Record> readAll(Path file, int maxRecordBytes) throws IOException {
        List<RecordFileReader.Record> records = new ArrayList<>();
        try (RecordFileReader reader = RecordFileReader.open(file, maxRecordBytes)) {
            reader.forEachRemaining(records::add);
            assertThat(reader.recordsRead()).isEqualTo(records.size());
        }
        return records;
    }

    @Test
    void readsConcatenatedPrettyPrintedDocumentsAsEvtxConvertersWriteThem() throws Exception {
        String first = "{\n  \"Event\": {\n    \"System\": {\"EventID\": 4625}\n  }\n}";
        String second = "{\n  \"Event\": {\"System\": {\"EventID\": 4624}}\n}";
        Path file = write("evtx.json", first + "\n" + second + "\n\n");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).extracting(RecordFileReader.Record::line).containsExactly(1L, 6L);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly(first, second);
        assertThat(records).allSatisfy(r -> assertThat(r.refused()).isNull());
    }

    @Test
    void reportsWhereAConcatenatedDocumentBreaksOff() throws Exception {
        Path file = write("cut.json", "{\n  \"a\": 1\n}\n{\n  \"b\": \n");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).hasSize(2);
        assertThat(records.get(0).refused()).isNull();
        assertThat(records.get(1).refused()).isEqualTo(DeadLetterReason.INVALID_JSON);
        assertThat(records.get(1).message()).contains("JSON document breaks off");
    }

    @Test
    void jsonLinesStayOneRecordPerLineEvenWithABrokenLine() throws Exception {
        Path file = write("lines.json", "{\"a\": 1}\n{\"b\": \n{\"c\": 3}\n");

        List<RecordFileReader.Record> records = readAll(file, 1024);

        assertThat(records).extracting(RecordFileReader.Record::line).containsExactly(1L, 2L, 3L);
        assertThat(records.get(1).value()).asString().isEqualTo("{\"b\": ");
    }
}
