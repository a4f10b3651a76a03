package io.clickstream.etl.enrich;

import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Derives the analytics columns: revenue, UTC time parts, URL host/path and UTM fields, referrer
 * host, and browser, OS, device class and bot flag from the user agent. An event enrichment fails
 * on goes to the dead letters with the error, so that one record cannot stop the job. Events the
 * lake already holds (a start without saved state) pass untouched, on to deduplication.
 */
public final class EnrichEvent extends ProcessFunction<ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;
    private static final long DAY = 86_400_000L;
    private static final String[] UTM = {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"};
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

    private final String jobVersion;
    private final int maxRawBytes;
    private transient UserAgentClassifier agents;
    private transient Counter failed;

    public EnrichEvent(String jobVersion, int maxRawBytes) {
        this.jobVersion = jobVersion;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        agents = new UserAgentClassifier(10_000);
        failed = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.deadLetters(FailureType.PROCESSING_ERROR));
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
        if (event.inLake) {
            out.collect(event);
            return;
        }
        try {
            enrich(event, agents);
        } catch (RuntimeException | StackOverflowError e) {
            failed.inc();
            ctx.output(DeadLetter.SIDE_OUTPUT, DeadLetter.processingError(event, "enrich", e,
                    ctx.timerService().currentProcessingTime(), jobVersion, maxRawBytes));
            return;
        }
        out.collect(event);
    }

    /** Fills the derived fields of {@code e} in place. */
    public static void enrich(ClickEvent e, UserAgentClassifier agents) {
        e.revenueCents = "purchase".equals(e.eventType) && e.productPriceCents != null && e.quantity != null
                ? e.productPriceCents * e.quantity
                : 0L;
        long day = Math.floorDiv(e.eventTimestamp, DAY);
        e.eventDate = Math.toIntExact(day);
        e.hour = (int) (Math.floorMod(e.eventTimestamp, DAY) / 3_600_000L);
        e.dayOfWeek = DAYS[(int) Math.floorMod(day + 3, 7)]; // 1970-01-01 was a Thursday

        e.pageHost = UrlParts.host(e.pageUrl);
        e.pagePath = UrlParts.path(e.pageUrl);
        e.referrerHost = UrlParts.host(e.referrer);
        String[] utm = UrlParts.queryParameters(e.pageUrl, UTM);
        e.utmSource = utm[0];
        e.utmMedium = utm[1];
        e.utmCampaign = utm[2];
        e.utmTerm = utm[3];
        e.utmContent = utm[4];

        if (e.userAgent != null && !e.userAgent.isEmpty()) {
            UserAgentClassifier.Agent agent = agents.classify(e.userAgent);
            if (agent.browser != null) {
                e.browser = agent.browser;
                e.browserVersion = agent.browserVersion;
            }
            if (agent.os != null) {
                e.os = agent.os;
            }
            e.deviceType = agent.deviceType;
            e.isBot = agent.bot;
        }
    }
}
