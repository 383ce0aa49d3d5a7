package org.vigil.job;

import java.io.File;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A stand-in for a Flink cluster plus {@code flink run}, started by {@link ShadedJobJarIT} in its own JVM
 * whose class path holds Flink but none of the job's libraries: the job jar's {@code main()} builds the
 * graph in a child-first class loader and the cluster runs it as user code, until the process is stopped.
 */
public final class ClusterJarRunner {
    private ClusterJarRunner() {}

    public static void main(String[] args) throws Exception {
        File jar = new File(args[0]);
        Configuration flink = new Configuration();
        flink.setString("classloader.resolve-order", "child-first");
        flink.setString("restart-strategy.type", "none");
        // Any free port for the REST endpoint: the default 8081 clashes with other builds on the machine.
        flink.setString("rest.bind-port", "0");
        // The TaskManager's temporary directories, where RocksDB keeps its working files.
        flink.setString("io.tmp.dirs", args[2]);
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar)
                .setArguments("--config", args[1])
                .setConfiguration(flink)
                .build();
        JobGraph jobGraph = PackagedProgramUtils.createJobGraph(program, flink, 2, false);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink).setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        var job = cluster.submitJob(jobGraph).get();
        System.out.println("SUBMITTED " + job.getJobID() + " with user jars " + jobGraph.getUserJars());
        var result = cluster.requestJobResult(job.getJobID()).get();
        System.out.println("JOB ENDED " + result.getApplicationStatus()
                + result.getSerializedThrowable().map(t -> ": " + t.getFullStringifiedStackTrace()).orElse(""));
        System.exit(1);
    }
}
