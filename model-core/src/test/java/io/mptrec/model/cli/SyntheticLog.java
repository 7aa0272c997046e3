package io.mptrec.model.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A small impression log in a recommender's layout, written into a test's folder: a log with a header, user and video
 * side tables (quoted fields; user 39 missing from its table), a split by date and a user column, with the tasks of
 * the KuaiRand protocol (click, long_view, like, profile_enter).
 */
final class SyntheticLog {

    private static final String SCHEMA = """
            {
              "name": "synthetic-log",
              "file": "log.csv",
              "userColumn": "user_id",
              "format": {"header": true},
              "columns": [
                {"name": "user_id", "role": "categorical", "minCount": 3},
                {"name": "video_id", "role": "categorical"},
                {"name": "date", "role": "ignored"},
                {"name": "is_click", "role": "ignored"},
                {"name": "is_like", "role": "ignored"},
                {"name": "long_view", "role": "ignored"},
                {"name": "is_profile_enter", "role": "ignored"}
              ],
              "joins": [
                {"file": "users.csv", "key": "user_id", "columns": [
                  {"name": "fans_range", "role": "categorical"}, {"name": "register_days", "role": "numeric"}]},
                {"file": "videos.csv", "key": "video_id", "columns": [{"name": "tag", "role": "categorical"}]}
              ],
              "labels": {"click": "is_click == 1", "like": "is_like == 1", "long_view": "long_view == 1",
                         "profile_enter": "is_profile_enter == 1"},
              "split": {"type": "range", "column": "date", "train": [20220425, 20220428],
                        "validation": [20220429, 20220429], "test": [20220430, 20220430]}
            }
            """;

    /** 40 users, 20 videos, 6 days of 200 impressions; clicks follow the video's tag, likes and profile visits the user, with noise. */
    static Path write(Path dir) throws Exception {
        StringBuilder users = new StringBuilder("user_id,fans_range,register_days\n");
        for (int u = 0; u < 39; u++) { // user 39 is missing
            users.append(u).append(",\"[").append(u % 4 * 10).append(',').append(u % 4 * 10 + 10).append(")\",")
                    .append(100 + u * 7).append('\n');
        }
        StringBuilder videos = new StringBuilder("video_id,tag\n");
        for (int v = 0; v < 20; v++) {
            videos.append(v).append(v % 2 == 0 ? ",\"music, live\"\n" : ",sport\n");
        }
        StringBuilder log = new StringBuilder("user_id,video_id,date,is_click,is_like,long_view,is_profile_enter\n");
        SplittableRandom random = new SplittableRandom(1);
        for (int day = 0; day < 6; day++) {
            for (int i = 0; i < 200; i++) {
                int user = (day * 200 + i) % 40;
                int video = random.nextInt(20);
                boolean click = (video % 2 == 0) != random.nextDouble() < 0.2;
                boolean like = click && (user % 3 == 0) != random.nextDouble() < 0.1;
                boolean longView = (video % 4 < 2) != random.nextDouble() < 0.2;
                boolean profileEnter = click && (user % 5 == 0) != random.nextDouble() < 0.05;
                log.append(user).append(',').append(video).append(',').append(20220425 + day).append(',')
                        .append(click ? 1 : 0).append(',').append(like ? 1 : 0).append(',').append(longView ? 1 : 0)
                        .append(',').append(profileEnter ? 1 : 0).append('\n');
            }
        }
        Files.writeString(dir.resolve("users.csv"), users);
        Files.writeString(dir.resolve("videos.csv"), videos);
        Files.writeString(dir.resolve("log.csv"), log);
        return Files.writeString(dir.resolve("schema.json"), SCHEMA);
    }

    private SyntheticLog() {
    }
}
