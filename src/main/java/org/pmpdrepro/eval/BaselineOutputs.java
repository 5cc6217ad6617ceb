package org.pmpdrepro.eval;

import java.util.List;
import java.util.Objects;
import org.pmpdrepro.data.Task;

/**
 * Outputs of a trivial system that needs no model, aligned with the examples they answer.
 *
 * @param name short identifier, e.g. {@code lead}
 * @param description how each output is formed, for result files
 */
public record BaselineOutputs(Task task, String name, String description, List<String> ids, List<String> outputs,
        List<String> references) {

    public BaselineOutputs {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        ids = List.copyOf(ids);
        outputs = List.copyOf(outputs);
        references = List.copyOf(references);
        if (outputs.size() != ids.size() || references.size() != ids.size()) {
            throw new IllegalArgumentException("baseline " + name + ": " + ids.size() + " ids, " + outputs.size()
                    + " outputs, " + references.size() + " references; expected one of each per example");
        }
    }

    public int size() {
        return ids.size();
    }
}
