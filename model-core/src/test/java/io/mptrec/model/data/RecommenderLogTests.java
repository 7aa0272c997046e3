package io.mptrec.model.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A recommender's layout: an impression log with a header, side tables joined by key, a split by date ranges. */
class RecommenderLogTests {

    /** Line numbers matter: tests point at them. */
    static final String SCHEMA = """
            {
              "name": "tiny-log",
              "file": "log.csv", "userColumn": "user_id",
              "format": {"header": true, "missingTokens": [""]},
              "columns": [
                {"name": "user_id", "role": "categorical", "minCount": 2},
                {"name": "video_id", "role": "categorical"},
                {"name": "date", "role": "ignored"},
                {"name": "duration", "role": "numeric"},
                {"name": "is_click", "role": "ignored"}
              ],
              "joins": [
                {"file": "users.csv", "key": "user_id", "columns": [
                  {"name": "fans_range", "role": "categorical"}, {"name": "register_days", "role": "numeric"}]},
                {"file": "videos.csv", "key": "video_id", "columns": [{"name": "tag", "role": "categorical"}]}
              ],
              "labels": {"click": "is_click == 1"},
              "split": {"type": "range", "column": "date", "train": ["20220425", "20220426"],
                        "validation": [20220427, 20220427], "test": ["20220428", "20220428"]}
            }
            """;

    /** Row 0 lies before every range; user 3 and 4 and video 12 are in no side table. */
    static final String LOG = """
            user_id,video_id,date,duration,is_click
            1,10,20220424,5,1
            1,10,20220425,5,1
            2,11,20220425,7,0
            1,12,20220426,9,0
            3,10,20220426,4,1
            2,11,20220427,6,1
            1,10,20220427,5,0
            2,10,20220428,8,1
            4,11,20220428,3,0
            """;

    static final String USERS = """
            user_id,fans_range,register_days,extra
            1,"[100,1k)",30,x
            2,"[0,10)",400,"a,b"
            5,"[10,100)",7,y
            """;

    static final String VIDEOS = """
            video_id,tag
            10,"music, live"
            11,sport
            """;

    @TempDir
    Path folder;

    private Dataset load(String schema, String log, String users, String videos) {
        TinyData.write(folder, "log.csv", log);
        TinyData.write(folder, "users.csv", users);
        TinyData.write(folder, "videos.csv", videos);
        Path schemaFile = TinyData.write(folder, "schema.json", schema);
        return Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);
    }

    private Dataset load() {
        return load(SCHEMA, LOG, USERS, VIDEOS);
    }

    @Test
    void shouldSplitByInclusiveDateRangesLeavingOutRowsInNoRange() {
        Dataset data = load();

        assertThat(data.rowCount()).isEqualTo(9);
        assertThat(data.rows(Split.TRAIN)).containsExactly(1, 2, 3, 4);
        assertThat(data.rows(Split.VALIDATION)).containsExactly(5, 6);
        assertThat(data.rows(Split.TEST)).containsExactly(7, 8);
        assertThat(data.labels("click", new int[] {1, 2, 3, 4, 5, 6, 7, 8})).containsExactly(1, 0, 0, 1, 1, 0, 1, 0);
    }

    @Test
    void shouldJoinSideTablesByKeyWithQuotedFieldsAndCountRowsWithoutMatch() {
        Dataset data = load();

        assertThat(data.numericFeatures()).containsExactly("duration", "register_days");
        assertThat(data.categoricalFeatures()).containsExactly("user_id", "video_id", "fans_range", "tag");
        assertThat(data.categorical(1, 2)).isEqualTo("[100,1k)");
        assertThat(data.categorical(2, 2)).isEqualTo("[0,10)");
        assertThat(data.numeric(2, 1)).isEqualTo(400f);
        assertThat(data.categorical(1, 3)).isEqualTo("music, live");
        // user 3 (row 4) and user 4 (row 8) are not in users.csv; video 12 (row 3) not in videos.csv
        assertThat(data.categorical(4, 2)).isNull();
        assertThat(data.numeric(4, 1)).isNaN();
        assertThat(data.categorical(8, 2)).isNull();
        assertThat(data.categorical(3, 3)).isNull();
        assertThat(data.categorical(3, 2)).isEqualTo("[100,1k)");
        assertThat(data.rawRow(4)).containsEntry("user_id", "3").containsEntry("fans_range", null)
                .containsEntry("tag", "music, live").doesNotContainKey("extra");
        assertThat(data.joins()).containsExactly(new SideTable.Match("users.csv", "user_id", 3, 2, 2),
                new SideTable.Match("videos.csv", "video_id", 2, 1, 1));
    }

    @Test
    void shouldGiveValuesSeenFewerThanMinCountTimesInTrainTheUnseenSlot() {
        Dataset data = load();
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));

        // train rows 1-4: user 1 twice, users 2 and 3 once; minCount 2 keeps user 1 only
        assertThat(transform.categorical().get(0).values()).containsExactly("1");
        assertThat(transform.categorical().get(1).values()).containsExactly("10", "11", "12");
        assertThat(transform.categorical().get(2).values()).containsExactly("[0,10)", "[100,1k)");
        EncodedRows encoded = transform.encode(data, new int[] {1, 2, 4});
        assertThat(encoded.categories()).containsExactly(1, 1, 2, 1, 0, 2, 1, 2, 0, 1, 0, 1);
    }

    @Test
    void shouldFingerprintTheSideTablesToo() {
        String before = load().fingerprint();

        assertThat(load().fingerprint()).isEqualTo(before);
        assertThat(load(SCHEMA, LOG, USERS.replace("30,x", "31,x"), VIDEOS).fingerprint()).isNotEqualTo(before);
        assertThat(load(SCHEMA, LOG, USERS, VIDEOS.replace("sport", "sports")).fingerprint()).isNotEqualTo(before);
        assertThat(load(SCHEMA.replace("\"minCount\": 2", "\"minCount\": 3"), LOG, USERS, VIDEOS).fingerprint())
                .isNotEqualTo(before);
    }

    @Test
    void shouldWriteTheNewKeysIntoTheCanonicalJson() throws IOException {
        var canonical = new ObjectMapper().readTree(load().schema().canonicalJson());

        assertThat(canonical.at("/columns/0/minCount").intValue()).isEqualTo(2);
        assertThat(canonical.at("/columns/1").has("minCount")).isFalse();
        assertThat(canonical.at("/joins/0/key").textValue()).isEqualTo("user_id");
        assertThat(canonical.at("/joins/0").has("file")).isFalse();
        assertThat(canonical.at("/joins/1/columns/0/name").textValue()).isEqualTo("tag");
        assertThat(canonical.at("/split").toString()).isEqualTo("{\"column\":\"date\",\"test\":[\"20220428\",\"20220428\"],"
                + "\"train\":[\"20220425\",\"20220426\"],\"type\":\"range\",\"validation\":[\"20220427\",\"20220427\"]}");
    }

    @Test
    void shouldKeepTheCensusFingerprintOfTheCommittedArtifacts() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path schema = root.resolve("data/census-income-kdd/schema.json");
        var manifest = new ObjectMapper().readTree(root.resolve("data/census-income-kdd/artifacts/encoder/manifest.json").toFile());

        Dataset census = Dataset.load(DatasetSchema.load(schema), schema, null);

        assertThat(census.fingerprint()).isEqualTo(manifest.at("/metadata/lineage/datasetFingerprint").textValue());
        assertThat(census.joins()).isEmpty();
    }

    @Test
    void shouldRefuseALabelThatReadsAJoinedInputColumn() {
        assertSchemaError(SCHEMA.replace("\"is_click == 1\"", "\"register_days > 100\""), 17, "'register_days'");
    }

    @Test
    void shouldNameTheSideTableLineOfARepeatedKeyAMissingColumnAndABadNumber() {
        assertDataError(USERS + "2,\"[0,10)\",9,z\n", VIDEOS, "users.csv", 5, "key '2' repeats line 3");
        assertDataError(USERS.replace("register_days", "days"), VIDEOS, "users.csv", 1, "no column 'register_days'");
        assertDataError(USERS.replace("400", "many"), VIDEOS, "users.csv", 3, "'register_days' is numeric but has 'many'");
        assertDataError(USERS, "tag\nsport\n", "videos.csv", 1, "no key column 'video_id'");
        assertDataError(USERS, VIDEOS + "11\n", "videos.csv", 4, "expected 2 fields, found 1");
    }

    @Test
    void shouldNameTheLogLineOfADateThatIsNoNumber() {
        TinyData.write(folder, "users.csv", USERS);
        TinyData.write(folder, "videos.csv", VIDEOS);
        Path log = TinyData.write(folder, "log.csv", LOG.replace("2,11,20220427", "2,11,2022-04-27"));
        Path schemaFile = TinyData.write(folder, "schema.json", SCHEMA);
        assertThatThrownBy(() -> Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(log);
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.reason()).contains("'2022-04-27' is not a number");
                });
    }

    @Test
    void shouldRefuseInvalidJoinsMinCountsAndRanges() {
        assertSchemaError(SCHEMA.replace("\"key\": \"video_id\"", "\"key\": \"item\""), 15, "'item' is not a column");
        assertSchemaError(SCHEMA.replace("\"name\": \"tag\"", "\"name\": \"duration\""), 15, "duplicate column 'duration'");
        assertSchemaError(SCHEMA.replace("{\"name\": \"duration\", \"role\": \"numeric\"}",
                "{\"name\": \"duration\", \"role\": \"numeric\", \"minCount\": 2}"), 9, "categorical columns only");
        assertSchemaError(SCHEMA.replace("\"minCount\": 2", "\"minCount\": 0"), 6, "at least 1");
        assertSchemaError(SCHEMA.replace("\"file\": \"videos.csv\"", "\"file\": \"videos.csv\", \"on\": 1"), 15,
                "unknown key 'on'");
        assertSchemaError(SCHEMA.replace("[20220427, 20220427]", "[20220426, 20220427]"), 18, "the ranges overlap");
        assertSchemaError(SCHEMA.replace("[20220427, 20220427]", "[20220427, 20220426]"), 19, "its start is above its end");
        assertSchemaError(SCHEMA.replace("[20220427, 20220427]", "[\"may\", 20220427]"), 19, "expected a number");
        assertSchemaError(SCHEMA.replace("\"column\": \"date\"", "\"column\": \"day\""), 18, "unknown column 'day'");
        assertSchemaError(SCHEMA.replace("\"train\": [\"20220425\", \"20220426\"],", ""), 18, "missing 'train'");
    }

    @Test
    void shouldReadLabelsOverIntegerColumnsNumerically() {
        Dataset data = load(SCHEMA.replace("\"is_click == 1\"", "\"is_click == 1.0 && !(is_click != 1)\""), LOG, USERS,
                VIDEOS);

        assertThat(data.labels("click", new int[] {1, 2, 3, 4, 5, 6, 7, 8})).containsExactly(1, 0, 0, 1, 1, 0, 1, 0);
    }

    @Test
    void shouldGroupRowsByTheSchemasUserColumnForGauc() throws IOException {
        Dataset data = load();

        // rows 1-8: users 1, 2, 1, 3, 2, 1, 2, 4; equal users get equal ids, missing users -1
        int[] users = data.users(new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(users[0]).isEqualTo(users[2]).isEqualTo(users[5]);
        assertThat(users[1]).isEqualTo(users[4]).isEqualTo(users[6]);
        assertThat(java.util.Arrays.stream(users).distinct().count()).isEqualTo(4);
        assertThat(new ObjectMapper().readTree(data.schema().canonicalJson()).at("/userColumn").textValue())
                .isEqualTo("user_id");
        assertThat(load(SCHEMA, LOG.replace("\n4,11,", "\n,11,"), USERS, VIDEOS).users(new int[] {8})).containsExactly(-1);

        assertSchemaError(SCHEMA.replace("\"userColumn\": \"user_id\"", "\"userColumn\": \"viewer\""), 3,
                "unknown column 'viewer'");
        Dataset withoutUsers = load(SCHEMA.replace("\"userColumn\": \"user_id\",", ""), LOG, USERS, VIDEOS);
        assertThat(withoutUsers.schema().userColumn()).isNull();
        assertThat(withoutUsers.schema().canonicalJson()).doesNotContain("userColumn");
        assertThatThrownBy(() -> withoutUsers.users(new int[] {1})).hasMessageContaining("names no user column");
    }

    private void assertSchemaError(String schema, long line, String reason) {
        Path schemaFile = TinyData.write(folder, "schema.json", schema);
        assertThatThrownBy(() -> DatasetSchema.load(schemaFile))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.line()).isEqualTo(line);
                });
    }

    private void assertDataError(String users, String videos, String file, long line, String reason) {
        TinyData.write(folder, "log.csv", LOG);
        TinyData.write(folder, "users.csv", users);
        TinyData.write(folder, "videos.csv", videos);
        Path schemaFile = TinyData.write(folder, "schema.json", SCHEMA);
        assertThatThrownBy(() -> Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(folder.resolve(file));
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.reason()).contains(reason);
                });
    }
}
