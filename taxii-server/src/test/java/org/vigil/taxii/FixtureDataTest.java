package org.vigil.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading reference-server data files: objects with a private {@code __meta} block, and files it cannot serve. */
class FixtureDataTest {
    @TempDir
    Path dir;

    @Test
    void dateAddedComesFromMetaWhichIsNotServed() throws Exception {
        Path data = write("""
                {"/discovery": {"title": "t", "default": "http://localhost:5000/root/",
                                "api_roots": ["http://localhost:5000/root/"]},
                 "root": {"information": {"title": "r", "versions": ["application/taxii+json;version=2.1"],
                                          "max_content_length": 1000},
                          "status": [],
                          "collections": [{"id": "c1", "title": "one", "can_read": true, "can_write": false,
                            "media_types": ["application/stix+json;version=2.1"],
                            "objects": [
                              {"type": "malware", "spec_version": "2.1",
                               "id": "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec",
                               "created": "2017-01-27T13:49:53.997Z", "modified": "2017-01-27T13:49:53.997Z",
                               "name": "Poison Ivy", "is_family": true,
                               "__meta": {"date_added": "2017-02-01T00:00:00.123456Z",
                                          "media_type": "application/stix+json;version=2.1"}},
                              {"type": "indicator", "spec_version": "2.1",
                               "id": "indicator--cd981c25-8042-4166-8945-51178443bdac",
                               "created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
                               "pattern": "[url:value = 'http://x.example/']", "pattern_type": "stix",
                               "valid_from": "2014-05-08T09:00:00Z",
                               "__meta": {"date_added": "2016-01-01T00:00:00.000000Z"}}]}]}}
                """);

        TaxiiCatalog catalog = FixtureData.load(data);
        List<StoredObject> objects = catalog.apiRoot("root").collection("c1").snapshot();

        assertThat(objects).extracting(StoredObject::id).containsExactly(
                "indicator--cd981c25-8042-4166-8945-51178443bdac", "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec");
        assertThat(TaxiiTimestamps.format(objects.get(1).dateAdded())).isEqualTo("2017-02-01T00:00:00.123456Z");
        assertThat(objects).allSatisfy(o -> assertThat(o.object().has("__meta")).isFalse());
        assertThat(catalog.discovery().get("api_roots").get(0).asText()).isEqualTo("/root/");
    }

    @Test
    void anObjectWithoutDateAddedIsRefusedWithItsId() throws Exception {
        Path data = write("""
                {"/discovery": {"title": "t", "api_roots": []},
                 "root": {"information": {"title": "r"}, "collections": [{"id": "c1", "title": "one",
                   "objects": [{"type": "malware", "id": "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec",
                                "created": "2017-01-27T13:49:53.997Z"}], "manifest": []}]}}
                """);

        assertThatThrownBy(() -> FixtureData.load(data))
                .hasMessageContaining("malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec").hasMessageContaining("date_added");
    }

    @Test
    void fixtureModeNeedsTheConfigWithItsUsers() throws Exception {
        Path data = dir.resolve("alone").resolve("data.json");
        Files.createDirectories(data.getParent());
        Files.writeString(data, "{\"/discovery\": {}}");

        assertThatThrownBy(() -> FixtureData.load(data)).hasMessageContaining("config.json");
    }

    private Path write(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"users\": {\"admin\": \"Password0\"}}");
        return Files.writeString(dir.resolve("data.json"), json);
    }
}
