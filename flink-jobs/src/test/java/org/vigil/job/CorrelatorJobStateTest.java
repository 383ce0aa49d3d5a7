package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.state.CheckpointStorage;
import org.apache.flink.runtime.state.CheckpointStorageLoader;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CorrelatorJob#configure} turns Vigil's state keys into the Flink options a cluster reads, and Flink
 * builds the intended state backend and checkpoint storage from them.
 */
class CorrelatorJobStateTest {
    private static final Logger LOG = LoggerFactory.getLogger(CorrelatorJobStateTest.class);

    @Test
    void defaultsAreRocksDbWithIncrementalCheckpointsAndTimersInRocksDb() throws Exception {
        StreamExecutionEnvironment env = configured(VigilConfig.of(Map.of(), Map.of()));
        var flink = env.getConfiguration();
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(flink.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(VigilOptions.CHECKPOINT_DIR.defaultValue());
        assertThat(env.getCheckpointInterval()).isEqualTo(10_000L);
        assertThat(env.getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);

        StateBackend backend = backend(env);
        assertThat(backend).isInstanceOf(EmbeddedRocksDBStateBackend.class);
        EmbeddedRocksDBStateBackend rocks = (EmbeddedRocksDBStateBackend) backend;
        assertThat(rocks.isIncrementalCheckpointsEnabled()).isTrue();
        assertThat(rocks.getPriorityQueueStateType()).isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        assertThat(storage(env, backend)).isInstanceOfSatisfying(FileSystemCheckpointStorage.class,
                fs -> assertThat(fs.getCheckpointPath().toUri().toString()).isEqualTo(VigilOptions.CHECKPOINT_DIR.defaultValue()));
    }

    @Test
    void maxParallelismIsFixedByConfigurationNotDerivedFromTheFirstParallelism() throws Exception {
        // Flink would derive 512 from a first parallelism of 300; the state would then never restore at 128.
        StreamExecutionEnvironment wide = configured(VigilConfig.of(
                Map.of("job.parallelism", "300", "job.max-parallelism", "1024"), Map.of()));
        assertThat(wide.getMaxParallelism()).isEqualTo(1024);
        assertThat(configured(VigilConfig.of(Map.of(), Map.of())).getMaxParallelism()).isEqualTo(128);
        assertThat(configured(VigilConfig.of(Map.of("job.max-parallelism", "720"), Map.of())).getMaxParallelism()).isEqualTo(720);
        assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("job.max-parallelism", "0"), Map.of())))
                .hasMessageContaining("job.max-parallelism");
        assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("job.parallelism", "300"), Map.of())))
                .hasMessageContaining("job.parallelism").hasMessageContaining("job.max-parallelism");
    }

    @Test
    void keysFromTheFileAndTheEnvironmentChooseBackendDirectoryAndIncrementality() throws Exception {
        StreamExecutionEnvironment hashmap = configured(VigilConfig.of(
                Map.of("state.backend", "hashmap", "checkpoint.dir", "s3://soc-state/vigil/checkpoints"), Map.of()));
        StateBackend heap = backend(hashmap);
        assertThat(heap).isInstanceOf(HashMapStateBackend.class);
        assertThat(storage(hashmap, heap)).isInstanceOfSatisfying(FileSystemCheckpointStorage.class,
                fs -> assertThat(fs.getCheckpointPath().toUri().toString()).isEqualTo("s3://soc-state/vigil/checkpoints"));

        StreamExecutionEnvironment full = configured(VigilConfig.of(Map.of("state.backend", "hashmap"),
                Map.of("VIGIL_STATE_BACKEND", "RocksDB", "VIGIL_CHECKPOINT_INCREMENTAL", "false")));
        assertThat(backend(full)).isInstanceOfSatisfying(EmbeddedRocksDBStateBackend.class,
                rocks -> assertThat(rocks.isIncrementalCheckpointsEnabled()).isFalse());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("state.backend", "rocks"), Map.of())))
                .hasMessageContaining("state.backend").hasMessageContaining("rocksdb").hasMessageContaining("hashmap");
        assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("checkpoint.incremental", "yes"), Map.of())))
                .hasMessageContaining("checkpoint.incremental").hasMessageContaining("true or false");
        for (String dir : new String[] {"checkpoints", "/vigil/checkpoints", "s3://bucket", "file:///", "file:///with space"}) {
            assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("checkpoint.dir", dir), Map.of())))
                    .as(dir).hasMessageContaining("checkpoint.dir").hasMessageContaining("'" + dir + "'");
        }
    }

    private static StreamExecutionEnvironment configured(VigilConfig config) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        CorrelatorJob.configure(env, config);
        return env;
    }

    /** The backend a TaskManager builds from the job's configuration on a cluster that configures none. */
    private static StateBackend backend(StreamExecutionEnvironment env) throws Exception {
        return StateBackendLoader.fromApplicationOrConfigOrDefault(null, Configuration.fromMap(env.getConfiguration().toMap()),
                new Configuration(), CorrelatorJobStateTest.class.getClassLoader(), LOG);
    }

    private static CheckpointStorage storage(StreamExecutionEnvironment env, StateBackend backend) throws Exception {
        return CheckpointStorageLoader.load(null, backend, Configuration.fromMap(env.getConfiguration().toMap()),
                new Configuration(), CorrelatorJobStateTest.class.getClassLoader(), LOG);
    }
}
