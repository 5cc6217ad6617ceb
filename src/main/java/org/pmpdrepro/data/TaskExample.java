package org.pmpdrepro.data;

import java.util.Objects;

/**
 * One fixture example.
 *
 * @param id stable identifier, {@code task/package/md5prefix[/part]}
 * @param source the text in the template's main slot (description, French text or first sentence)
 * @param prompt the rendered template the model decodes from
 * @param reference the human-written target (for debchat: context only, scoring uses the full-precision output)
 */
public record TaskExample(
        String id,
        Task task,
        ExampleKind kind,
        Split split,
        String packageName,
        String descriptionMd5,
        String source,
        String prompt,
        String reference) {

    public TaskExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(descriptionMd5, "descriptionMd5");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(reference, "reference");
        if (kind.task() != task) {
            throw new IllegalArgumentException("example " + id + ": kind " + kind.id() + " belongs to task "
                    + kind.task().id() + ", not " + task.id());
        }
    }

    /** The training text for this example (end-of-sequence is added by the trainer). */
    public String completion() {
        return Task.completion(prompt, reference);
    }
}
