package io.clickstream.etl;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar deployed to MSF: our code, connectors, formats and libraries, but no Flink runtime. */
class MsfJarIT {

    @Test
    void bundlesConnectorsAndLibrariesButNotTheFlinkRuntime() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("clickstream-etl-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first"));
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(e -> e.getName()).collect(Collectors.toList());
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.clickstream.etl.ClickstreamEtlJob");
            assertThat(entries).contains(
                    "io/clickstream/etl/ClickstreamEtlJob.class",
                    "org/apache/flink/connector/file/src/FileSource.class",
                    "io/clickstream/etl/sink/parquet/ClickEventParquetBuilder.class",
                    "org/apache/flink/formats/parquet/ParquetWriterFactory.class",
                    "org/apache/parquet/hadoop/ParquetFileWriter.class",
                    "org/xerial/snappy/Snappy.class",
                    "org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so",
                    "ua_parser/Parser.class",
                    "ua_parser/regexes.yaml",
                    "com/fasterxml/jackson/core/JsonParser.class",
                    "software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.class",
                    "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
            for (String forbidden : new String[] {
                "org/apache/flink/streaming/api/environment/", "org/apache/flink/runtime/", "org/apache/flink/client/",
                "org/apache/flink/api/common/", "org/apache/flink/configuration/", "org/slf4j/", "org/apache/logging/log4j/",
                "com/amazonaws/services/kinesisanalytics/", "io/clickstream/generator/", "org/duckdb/",
                "io/netty/", "software/amazon/awssdk/http/apache/",
                "io/clickstream/etl/LocalRunner", "io/clickstream/etl/local/", "io/clickstream/etl/bench/", "io/clickstream/etl/ops/"}) {
                assertThat(entries).as("bundles no %s", forbidden).noneMatch(e -> e.startsWith(forbidden));
            }
            String fileSystems = new String(file.getInputStream(file.getEntry("META-INF/services/org.apache.flink.core.fs.FileSystemFactory"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(fileSystems).contains("org.apache.flink.fs.s3hadoop.S3FileSystemFactory");

            // flink-s3-fs-hadoop bundles Jackson unrelocated; a second Jackson version must not mix with it.
            String core = new String(file.getInputStream(file.getEntry("com/fasterxml/jackson/core/json/PackageVersion.class")).readAllBytes(), StandardCharsets.ISO_8859_1);
            String databind = new String(file.getInputStream(file.getEntry("com/fasterxml/jackson/databind/cfg/PackageVersion.class")).readAllBytes(), StandardCharsets.ISO_8859_1);
            String version = System.getProperty("jackson.version", "2.15.3");
            assertThat(core).contains(version);
            assertThat(databind).contains(version);
        }
    }
}
