package io.clickstream.etl.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replay tool's command line: a mistyped path, type or date is an error, not a replay of nothing. */
class ReplayDeadLettersOptionsTest {

    @Test
    void goodOptionsAreRead(@TempDir Path dir) throws Exception {
        assertThat(ReplayDeadLetters.options("--dead-letters", dir.toString(), "--to", "s3://raw/firehose",
                "--type", "schema_violation", "--date", "2026-11-29"))
                .containsExactly(dir.toString(), "s3://raw/firehose", "schema_violation", "2026-11-29");
        assertThat(ReplayDeadLetters.options("--to", "raw", "--dead-letters", dir.toString()))
                .containsExactly(dir.toString(), "raw", null, null);
    }

    /** The job's S3 keys, for a server other than AWS, checked as the job checks them. */
    @Test
    void theJobsS3KeysAreCheckedAsTheJobChecksThem(@TempDir Path dir) {
        assertThat(ReplayDeadLetters.options("--dead-letters", dir.toString(), "--to", "raw", "--s3.endpoint", "http://127.0.0.1:9000",
                "--s3.path-style-access", "true")).containsExactly(dir.toString(), "raw", null, null);
        assertThatThrownBy(() -> ReplayDeadLetters.options("--dead-letters", dir.toString(), "--to", "raw", "--s3.endpoint", "ftp://x",
                "--s3.secret-key", "abc", "--s3.region", "eu-west-1", "--s3.path-style-access"))
                .hasMessage(String.join("\n",
                        "--s3.path-style-access needs a value",
                        "--s3.endpoint='ftp://x': expected an http:// or https:// URL",
                        "--s3.access-key/s3.secret-key: set both or neither (neither uses the default AWS credentials chain)",
                        "--s3.region: unknown key (known keys: s3.endpoint, s3.path-style-access, s3.access-key, s3.secret-key)"));
    }

    @Test
    void everyProblemIsNamedAtOnce(@TempDir Path dir) {
        String missing = dir.resolve("no-such-folder").toString();
        assertThatThrownBy(() -> ReplayDeadLetters.options("--dead-letters", missing, "--to", "raw", "--type", "schema",
                "--date", "2026-13-01", "--dry-run"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(String.join("\n",
                        "Unknown option --dry-run (known: --dead-letters, --to, --type, --date, --s3.*)",
                        "--dead-letters '" + missing + "': no such folder (the job's output.dead-letter.path)",
                        "--type 'schema': expected one of malformed_json, schema_violation, oversized_record, unreadable_object, id_conflict, processing_error",
                        "--date '2026-13-01': expected a date as YYYY-MM-DD"));
        assertThatThrownBy(() -> ReplayDeadLetters.options("--dead-letters", dir.toString(), "--to"))
                .hasMessage("--to needs a value\n" + ReplayDeadLetters.USAGE);
        assertThatThrownBy(() -> ReplayDeadLetters.options("--dead-letters", "file:dead-letter", "--to", "file:raw"))
                .hasMessage(String.join("\n",
                        "--dead-letters 'file:dead-letter': not a folder or URI (Relative path in absolute URI: file:dead-letter)",
                        "--to 'file:raw': not a folder or URI (Relative path in absolute URI: file:raw)"));
    }
}
