package org.pmpdrepro.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * "Started" means the process ran: the container is running or has already exited, whatever its exit code. A
 * one-shot job's outcome is judged afterwards by {@link ContainerCellRunner}, which waits for the exit itself: a
 * failed start-up check would make Testcontainers remove the container before its exit code and logs are read.
 */
final class StartedStartupCheck extends StartupCheckStrategy {

    @Override
    public StartupStatus checkStartupState(DockerClient docker, String containerId) {
        InspectContainerResponse.ContainerState state = getCurrentState(docker, containerId);
        boolean ran = Boolean.TRUE.equals(state.getRunning()) || "exited".equals(state.getStatus())
                || "dead".equals(state.getStatus());
        return ran ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
    }
}
