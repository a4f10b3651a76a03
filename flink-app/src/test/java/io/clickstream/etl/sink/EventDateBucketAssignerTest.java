package io.clickstream.etl.sink;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.FailureType;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class EventDateBucketAssignerTest {

    @Test
    void partitionsByEventDayInUtcWhateverTheProcessingTime() {
        ClickEvent late = new ClickEvent();
        late.eventDate = (int) LocalDate.of(2025, 12, 31).toEpochDay();
        late.ingestedAt = Instant.parse("2026-01-03T00:00:00Z").toEpochMilli();
        assertThat(new EventDateBucketAssigner().getBucketId(late, null)).isEqualTo("year=2025/month=12/day=31");
        assertThat(EventDateBucketAssigner.partition((int) LocalDate.of(2026, 3, 9).toEpochDay())).isEqualTo("year=2026/month=03/day=09");
    }

    @Test
    void deadLettersArePartitionedByTypeAndProcessingDate() {
        DeadLetter d = new DeadLetter();
        d.failureType = FailureType.ID_CONFLICT;
        d.failureTime = Instant.parse("2026-11-29T23:59:59Z").toEpochMilli();
        assertThat(new DeadLetterBucketAssigner().getBucketId(d, null)).isEqualTo("failure_type=id_conflict/processing_date=2026-11-29");
    }
}
