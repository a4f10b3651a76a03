package io.clickstream.etl.config;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

import java.net.URI;
import java.util.List;

/**
 * Reads secrets named in the configuration from AWS Secrets Manager, once, when the job starts
 * (on MSF in the JobManager, with the application's role). The region is the secret ARN's own.
 */
public final class SecretsManagerSecrets {

    private final URI endpoint;

    private SecretsManagerSecrets(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** Secrets Manager of the secret's region, with the default credentials chain. */
    public static SecretsManagerSecrets aws() {
        return new SecretsManagerSecrets(null);
    }

    /** Another endpoint speaking the Secrets Manager API (tests, VPC endpoints). */
    public static SecretsManagerSecrets at(URI endpoint) {
        return new SecretsManagerSecrets(endpoint);
    }

    /** The secret's string value; a clear {@link ConfigException} naming the key when it cannot be read. */
    public String value(String secretArn) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(Region.of(secretArn.split(":")[3]))
                .httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        try (SecretsManagerClient client = builder.build()) {
            String value = client.getSecretValue(GetSecretValueRequest.builder().secretId(secretArn).build()).secretString();
            if (value == null) {
                throw new ConfigException(List.of("pii.pseudonym-key-secret='" + secretArn + "': the secret has no string value"));
            }
            return value;
        } catch (SdkException e) {
            throw new ConfigException(List.of("pii.pseudonym-key-secret='" + secretArn + "': cannot read the secret: " + e.getMessage()));
        }
    }
}
