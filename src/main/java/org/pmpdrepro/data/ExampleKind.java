package org.pmpdrepro.data;

/** What part of a description an example was built from; fixes which task it may belong to. */
public enum ExampleKind {
    /** debsum: the long description. */
    DESCRIPTION("description", Task.DEBSUM),
    /** debtrans: a translated synopsis. */
    SYNOPSIS("synopsis", Task.DEBTRANS),
    /** debtrans: a translated short paragraph. */
    PARAGRAPH("paragraph", Task.DEBTRANS),
    /** debchat: the first sentence to continue. */
    CONTINUATION("continuation", Task.DEBCHAT);

    private final String id;
    private final Task task;

    ExampleKind(String id, Task task) {
        this.id = id;
        this.task = task;
    }

    public String id() {
        return id;
    }

    public Task task() {
        return task;
    }

    public static ExampleKind fromId(String id) {
        for (ExampleKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown kind '" + id + "', expected one of description, synopsis, paragraph, continuation");
    }
}
