package aurum.seatunnel;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import org.apache.seatunnel.engine.client.SeaTunnelClient;
import org.apache.seatunnel.engine.client.job.ClientJobProxy;
import org.apache.seatunnel.engine.common.config.ConfigProvider;
import org.apache.seatunnel.engine.common.config.JobConfig;
import org.apache.seatunnel.engine.common.config.SeaTunnelConfig;
import org.apache.seatunnel.engine.core.job.JobResult;
import org.apache.seatunnel.engine.core.job.JobStatus;
import org.apache.seatunnel.engine.server.SeaTunnelServerStarter;

/**
 * Runs one SeaTunnel job config on the Zeta engine and exits with 0 only when the job
 * FINISHED.
 *
 * <p>SeaTunnel's own entry point (SeaTunnelClient in seatunnel-starter) is not published
 * on Maven Central for 2.3.8, the newest release whose engine and connectors are; this
 * is the part of it the repository needs, written against the engine's client API:
 *
 * <pre>
 *   LocalJob CONFIG            local mode: an embedded single-member engine that lives
 *                              as long as the job (the member's cluster name is unique
 *                              per process, so concurrent jobs never join each other)
 *   LocalJob CONFIG --cluster  submit to the running cluster that the Hazelcast client
 *                              config (-Dhazelcast.client.config) names, and wait
 * </pre>
 */
public final class LocalJob {
    private LocalJob() {}

    public static void main(String[] args) throws Exception {
        boolean cluster = args.length == 2 && args[1].equals("--cluster");
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !cluster)) {
            System.err.println("usage: aurum.seatunnel.LocalJob CONFIG [--cluster]");
            System.exit(2);
        }
        Path config = Paths.get(args[0]).toAbsolutePath();
        SeaTunnelConfig seaTunnelConfig = ConfigProvider.locateAndGetSeaTunnelConfig();
        ClientConfig clientConfig = ConfigProvider.locateAndGetClientConfig();
        HazelcastInstance member = null;
        if (!cluster) {
            String clusterName = "aurum-seatunnel-" + ProcessHandle.current().pid();
            seaTunnelConfig.getHazelcastConfig().setClusterName(clusterName);
            clientConfig.setClusterName(clusterName);
            member = SeaTunnelServerStarter.createHazelcastInstance(seaTunnelConfig);
        }
        int exitStatus = 1;
        try (SeaTunnelClient client = new SeaTunnelClient(clientConfig)) {
            JobConfig jobConfig = new JobConfig();
            jobConfig.setName(config.getFileName().toString());
            ClientJobProxy job =
                    client.createExecutionContext(
                                    config.toString(),
                                    Collections.emptyList(),
                                    jobConfig,
                                    seaTunnelConfig)
                            .execute();
            JobResult result = job.waitForJobCompleteV2();
            System.out.println(
                    "aurum: job " + job.getJobId() + " ended with status " + result.getStatus());
            if (result.getStatus() == JobStatus.FINISHED) {
                exitStatus = 0;
            } else {
                System.out.println("aurum: job error: " + result.getError());
            }
        } catch (Exception e) {
            e.printStackTrace(System.out);
        } finally {
            if (member != null) {
                member.shutdown();
            }
        }
        System.out.flush();
        // Engine threads (metrics, Hazelcast) are not all daemons: exit explicitly.
        Runtime.getRuntime().halt(exitStatus);
    }
}
