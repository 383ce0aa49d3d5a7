package org.vigil.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server in fixture mode, loaded with the TAXII reference server's data file, over real HTTP on a free port:
 * the reference paging expectations, filters, content negotiation and errors as the standard says.
 */
class FixtureConformanceTest {
    private static final String COLLECTION = "/trustgroup1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/";
    private static final String INDICATOR = "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e";

    private static TaxiiServer server;
    private static TaxiiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TaxiiServer.startFixture(SharedData.medallionData(), "127.0.0.1", 0);
        admin = TaxiiClient.basic(server.discoveryUri(), "admin", "Password0");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void firstPageOfThreeHasMoreAndTheDateAddedHeaders() {
        TaxiiClient.Reply page = admin.get(COLLECTION + "objects/?limit=3");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("application/taxii+json;version=2.1");
        assertThat(page.json().get("objects")).hasSize(3);
        assertThat(page.json().get("more").asBoolean()).isTrue();
        assertThat(page.json().get("next").asText()).isNotEmpty();
        assertThat(page.header("X-TAXII-Date-Added-First")).isEqualTo("2014-05-08T09:00:00.000000Z");
        assertThat(page.header("X-TAXII-Date-Added-Last")).isEqualTo("2017-01-20T00:00:00.000000Z");
    }

    @Test
    void followingNextReturnsTheOtherTwo() {
        TaxiiClient.Reply first = admin.get(COLLECTION + "objects/?limit=3");
        TaxiiClient.Reply second = admin.get(COLLECTION + "objects/?limit=3&next=" + first.json().get("next").asText());

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("objects")).hasSize(2);
        assertThat(second.json().get("more").asBoolean()).isFalse();
        assertThat(second.json().has("next")).isFalse();
        List<String> all = new ArrayList<>(ids(first.json()));
        all.addAll(ids(second.json()));
        assertThat(all).containsExactly("relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463",
                "indicator--cd981c25-8042-4166-8945-51178443bdac",
                "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec", INDICATOR);
        assertThat(second.header("X-TAXII-Date-Added-First")).isEqualTo("2017-01-27T13:49:59.997000Z");
        assertThat(second.header("X-TAXII-Date-Added-Last")).isEqualTo("2017-12-31T13:49:53.935000Z");
    }

    @Test
    void addedAfterIsExclusiveAndReturnsThree() {
        TaxiiClient.Reply reply = admin.get(COLLECTION + "objects/?added_after=2016-11-03T12:30:59Z");

        assertThat(reply.json().get("objects")).hasSize(3);
        assertThat(reply.json().get("more").asBoolean()).isFalse();
        // Exclusive: an object added exactly at the given time is not "after" it.
        assertThat(ids(admin.get(COLLECTION + "objects/?added_after=2017-01-20T00:00:00.000000Z").json()))
                .containsExactly("malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec", INDICATOR);
    }

    @Test
    void latestVersionAndLatestSpecVersionByDefault() {
        JsonNode objects = admin.get(COLLECTION + "objects/").json().get("objects");

        assertThat(objects).hasSize(5);
        assertThat(find(objects, INDICATOR).get("modified").asText()).isEqualTo("2017-01-27T13:49:53.935Z");
        // The 2.0 version of the malware is newer but 2.1 is the latest spec version the collection has of it.
        assertThat(find(objects, "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec").get("spec_version").asText())
                .isEqualTo("2.1");
        assertThat(objects.toString()).doesNotContain("__meta");
    }

    @Test
    void matchFiltersWithCommaSeparatedValues() {
        assertThat(ids(admin.get(COLLECTION + "objects/?match[type]=indicator").json()))
                .containsExactly("indicator--cd981c25-8042-4166-8945-51178443bdac", INDICATOR);
        assertThat(ids(admin.get(COLLECTION + "objects/?match%5Btype%5D=indicator,malware").json())).hasSize(3);
        assertThat(ids(admin.get(COLLECTION + "objects/?match[id]=" + INDICATOR
                + ",relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463").json())).hasSize(2);
        assertThat(modifieds(admin.get(COLLECTION + "objects/?match[id]=" + INDICATOR + "&match[version]=all").json()))
                .containsExactly("2016-11-03T12:30:59.000Z", "2016-12-25T12:30:59.444Z", "2017-01-27T13:49:53.935Z");
        assertThat(modifieds(admin.get(COLLECTION + "objects/?match[id]=" + INDICATOR + "&match[version]=first").json()))
                .containsExactly("2016-11-03T12:30:59.000Z");
        assertThat(modifieds(admin.get(COLLECTION + "objects/?match[id]=" + INDICATOR
                + "&match[version]=first,last").json()))
                .containsExactly("2016-11-03T12:30:59.000Z", "2017-01-27T13:49:53.935Z");
        assertThat(modifieds(admin.get(COLLECTION + "objects/?match[id]=" + INDICATOR
                + "&match[version]=2016-12-25T12:30:59.444Z").json())).containsExactly("2016-12-25T12:30:59.444Z");
        JsonNode spec20 = admin.get(COLLECTION + "objects/?match[spec_version]=2.0").json().get("objects");
        assertThat(spec20).hasSize(1);
        assertThat(spec20.get(0).get("modified").asText()).isEqualTo("2018-02-23T18:30:00.000Z");
    }

    @Test
    void objectByIdVersionsAndManifest() {
        TaxiiClient.Reply object = admin.get(COLLECTION + "objects/" + INDICATOR + "/");
        assertThat(modifieds(object.json())).containsExactly("2017-01-27T13:49:53.935Z");
        assertThat(object.header("X-TAXII-Date-Added-First")).isEqualTo("2017-12-31T13:49:53.935000Z");

        TaxiiClient.Reply versions = admin.get(COLLECTION + "objects/" + INDICATOR + "/versions/");
        assertThat(versions.status()).isEqualTo(200);
        assertThat(versions.json().get("versions")).extracting(JsonNode::asText).containsExactly(
                "2016-11-03T12:30:59.000Z", "2016-12-25T12:30:59.444Z", "2017-01-27T13:49:53.935Z");
        assertThat(versions.header("X-TAXII-Date-Added-First")).isEqualTo("2016-11-03T12:30:59.001000Z");
        assertThat(versions.header("X-TAXII-Date-Added-Last")).isEqualTo("2017-12-31T13:49:53.935000Z");

        TaxiiClient.Reply manifest = admin.get(COLLECTION + "manifest/?limit=3");
        assertThat(manifest.json().get("more").asBoolean()).isTrue();
        JsonNode first = manifest.json().get("objects").get(0);
        assertThat(first.get("id").asText()).isEqualTo("relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463");
        assertThat(first.get("date_added").asText()).isEqualTo("2014-05-08T09:00:00.000000Z");
        assertThat(first.get("version").asText()).isEqualTo("2014-05-08T09:00:00.000Z");
        assertThat(first.get("media_type").asText()).isEqualTo("application/stix+json;version=2.1");
        assertThat(manifest.header("X-TAXII-Date-Added-Last")).isEqualTo("2017-01-20T00:00:00.000000Z");

        assertThat(admin.get(COLLECTION + "objects/indicator--00000000-0000-4000-8000-000000000000/").status())
                .isEqualTo(404);
    }

    @Test
    void discoveryApiRootCollectionsAndStatus() {
        JsonNode discovery = admin.get("/taxii2/").json();
        String base = "http://127.0.0.1:" + server.port();
        assertThat(discovery.get("default").asText()).isEqualTo(base + "/trustgroup1/");
        assertThat(discovery.get("api_roots")).extracting(JsonNode::asText)
                .containsExactly(base + "/api1/", base + "/api2/", base + "/trustgroup1/");

        JsonNode root = admin.get("/trustgroup1/").json();
        assertThat(root.get("versions").get(0).asText()).isEqualTo("application/taxii+json;version=2.1");
        assertThat(root.get("max_content_length").asLong()).isEqualTo(9765625);

        JsonNode collections = admin.get("/trustgroup1/collections/").json().get("collections");
        assertThat(collections).extracting(c -> c.get("id").asText()).containsExactly(
                "472c94ae-3113-4e3e-a4dd-a9f4ac7471d4", "365fed99-08fa-fdcd-a1b3-fb247eb41d01",
                "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "52892447-4d7e-4f70-b94d-d7f22742ff63",
                "64993447-4d7e-4f70-b94d-d7f33742ee63");
        JsonNode collection = admin.get(COLLECTION).json();
        assertThat(collection.get("title").asText()).isEqualTo("High Value Indicator Collection");
        assertThat(collection.get("can_read").asBoolean()).isTrue();
        assertThat(collection.get("can_write").asBoolean()).as("fixture mode is read-only").isFalse();
        assertThat(admin.get("/api1/collections/").json().has("collections")).isFalse();

        TaxiiClient.Reply status = admin.get("/trustgroup1/status/2d086da7-4bdc-4f91-900e-d77486753710/");
        assertThat(status.json().get("status").asText()).isEqualTo("pending");
        assertThat(admin.get("/trustgroup1/status/00000000-0000-0000-0000-000000000000/").status()).isEqualTo(404);
    }

    @Test
    void bareTaxiiMediaTypeIsAcceptedAndOthersAre406() {
        assertThat(admin.get(COLLECTION + "objects/?limit=1", "application/taxii+json").status()).isEqualTo(200);
        assertThat(admin.get("/taxii2/", "application/json, application/taxii+json;q=0.9").status()).isEqualTo(200);

        TaxiiClient.Reply json = admin.get(COLLECTION + "objects/", "application/json");
        assertThat(json.status()).isEqualTo(406);
        assertThat(json.header("Content-Type")).isEqualTo("application/taxii+json;version=2.1");
        assertThat(json.json().get("http_status").asText()).isEqualTo("406");
        assertThat(json.json().get("title").asText()).isNotBlank();
        assertThat(admin.get("/taxii2/", "application/taxii+json;version=2.0").status()).isEqualTo(406);
        assertThat(admin.get("/taxii2/", null).status()).isEqualTo(406);
    }

    @Test
    void credentialsAndRights() {
        TaxiiClient.Reply anonymous = TaxiiClient.anonymous(server.discoveryUri()).get(COLLECTION + "objects/");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.response().headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Basic"));
        assertThat(TaxiiClient.basic(server.discoveryUri(), "admin", "wrong").get("/taxii2/").status()).isEqualTo(401);
        assertThat(TaxiiClient.basic(server.discoveryUri(), "user1", "Password1").get(COLLECTION + "objects/")
                .status()).isEqualTo(200);

        // "Secret Indicators" has can_read false.
        assertThat(admin.get("/trustgroup1/collections/64993447-4d7e-4f70-b94d-d7f33742ee63/objects/").status())
                .isEqualTo(403);
        TaxiiClient.Reply post = admin.post(COLLECTION + "objects/", MediaTypes.TAXII_21, "{\"objects\":[]}");
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.json().get("description").asText()).contains("read-only");
    }

    @Test
    void malformedParametersAre400() {
        assertThat(admin.get(COLLECTION + "objects/?limit=0").status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?limit=x").status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?added_after=yesterday").status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?added_after=2016-11-03T12:30:59Z&added_after=2017-01-01T00:00:00Z")
                .status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?match[version]=newest").status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?next=not-a-token").status()).isEqualTo(400);
        assertThat(admin.get(COLLECTION + "objects/?match[colour]=red").status()).isEqualTo(400);
        assertThat(admin.get("/nowhere/").status()).isEqualTo(404);
        TaxiiClient.Reply postToDiscovery = admin.post("/taxii2/", MediaTypes.TAXII_21, "{}");
        assertThat(postToDiscovery.status()).isEqualTo(405);
        assertThat(postToDiscovery.header("Allow")).isEqualTo("GET");
    }

    private static List<String> ids(JsonNode envelope) {
        List<String> ids = new ArrayList<>();
        envelope.path("objects").forEach(o -> ids.add(o.get("id").asText()));
        return ids;
    }

    private static List<String> modifieds(JsonNode envelope) {
        List<String> result = new ArrayList<>();
        envelope.path("objects").forEach(o -> result.add(o.get("modified").asText()));
        return result;
    }

    private static JsonNode find(JsonNode objects, String id) {
        for (JsonNode o : objects) {
            if (o.get("id").asText().equals(id)) {
                return o;
            }
        }
        throw new AssertionError("no " + id + " in " + objects);
    }
}
