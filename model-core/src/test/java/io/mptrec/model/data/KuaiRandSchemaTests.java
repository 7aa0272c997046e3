package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The project's copy of KuaiRand-Pure, read from its schema alone: the README's canonical protocol. */
class KuaiRandSchemaTests {

    private static final Path SCHEMA = Path.of("..").toAbsolutePath().normalize().resolve("data/kuairand-pure/schema.json");

    @Test
    void shouldSplitByDateJoinBothSideTablesAndLabelTheFourTasks() {
        Dataset data = Dataset.load(DatasetSchema.load(SCHEMA), SCHEMA, null);

        assertThat(data.rowCount()).isEqualTo(228_329);
        assertThat(data.rows(Split.TRAIN)).hasSize(171_671);
        assertThat(data.rows(Split.VALIDATION)).hasSize(27_224);
        assertThat(data.rows(Split.TEST)).hasSize(29_434);
        // every log key is in its side table (counted independently from the files)
        assertThat(data.joins()).containsExactly(
                new SideTable.Match("user_features_pure.csv.gz", "user_id", 27_285, 0, 0),
                new SideTable.Match("video_features_basic_pure.csv.gz", "video_id", 7_583, 0, 0));
        assertThat(data.tasks()).containsExactly("click", "long_view", "like", "profile_enter");
        assertThat(positives(data, "click", Split.TRAIN)).isEqualTo(76_099);
        assertThat(positives(data, "long_view", Split.VALIDATION)).isEqualTo(8_121);
        assertThat(positives(data, "like", Split.TEST)).isEqualTo(513);
        assertThat(positives(data, "profile_enter", Split.TEST)).isEqualTo(566);
        // outcomes are never inputs
        assertThat(data.numericFeatures()).doesNotContain("play_time_ms", "profile_stay_time", "comment_stay_time");
        assertThat(data.categoricalFeatures()).contains("user_id", "video_id", "hourmin", "tab", "fans_user_num_range",
                "tag").noneMatch(name -> name.startsWith("is_") && !name.equals("is_lowactive_period")
                && !name.equals("is_live_streamer") && !name.equals("is_video_author")).doesNotContain("long_view");
        // the first log row's user (712) and a quoted side-table value
        int fans = data.categoricalFeatures().indexOf("fans_user_num_range");
        assertThat(data.categorical(0, data.categoricalFeatures().indexOf("user_id"))).isEqualTo("712");
        assertThat(data.categorical(0, fans)).matches("[\\[(].*[,].*[)\\]]|\\d.*\\+|0");
    }

    @Test
    void shouldKeepOnlyIdsSeenFiveTimesInTrain() {
        Dataset data = Dataset.load(DatasetSchema.load(SCHEMA), SCHEMA, null);
        int[] train = data.rows(Split.TRAIN);
        FeatureTransform transform = FeatureTransform.fit(data, train);
        int users = data.categoricalFeatures().indexOf("user_id");

        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int row : train) {
            counts.merge(data.categorical(row, users), 1, Integer::sum);
        }
        long frequent = counts.values().stream().filter(c -> c >= 5).count();
        assertThat(transform.categorical().get(users).values()).hasSize((int) frequent);
        assertThat(frequent).isLessThan(counts.size());
    }

    private static int positives(Dataset data, String task, Split split) {
        float sum = 0;
        for (float y : data.labels(task, data.rows(split))) {
            sum += y;
        }
        return (int) sum;
    }
}
