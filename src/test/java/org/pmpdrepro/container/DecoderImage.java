package org.pmpdrepro.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pmpdrepro.io.Hashes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The decoder image a {@link ContainerCellRunner} starts: a named one ({@code -Dpmpd.image=NAME}, which the engine
 * must have or be able to pull), or one built from {@code src/main/docker/Dockerfile} with the packaged jar, its
 * {@code lib/} and the fixtures as build context. A built image is tagged {@code pmpd-decoder:<content hash>} and
 * kept, so the next run whose jar, dependencies, fixtures, Dockerfile and base image are unchanged reuses it.
 *
 * @param dockerfile the Dockerfile
 * @param jar the runnable jar ({@code target/pmpd-repro.jar}, made by {@code package})
 * @param lib its runtime class path ({@code target/lib})
 * @param fixtures the committed fixtures the container decodes
 * @param baseImage the {@code BASE_IMAGE} build argument
 */
public record DecoderImage(Path dockerfile, Path jar, Path lib, Path fixtures, String baseImage) {

    /** Repository of the images this class builds. */
    public static final String REPOSITORY = "pmpd-decoder";

    /** The base image {@code .ci/docker-up} builds, unless {@code -Dpmpd.baseImage} names another. */
    public static final String DEFAULT_BASE_IMAGE = "pmpd-base:trixie-jre25";

    private static final Logger LOG = LoggerFactory.getLogger(DecoderImage.class);

    /** The project's layout, relative to the repository root (Maven's working directory for tests). */
    public static DecoderImage ofProject(String baseImage) {
        return new DecoderImage(Path.of("src", "main", "docker", "Dockerfile"), Path.of("target", "pmpd-repro.jar"),
                Path.of("target", "lib"), Path.of("fixtures"), baseImage);
    }

    /** {@code -Dpmpd.image} when set, else the project's image built on {@code -Dpmpd.baseImage}. */
    public static String fromSystemProperties() {
        return baseImageFromSystemProperties().map(base -> ofProject(base).resolve())
                .orElseGet(() -> System.getProperty("pmpd.image").strip());
    }

    /** The base image {@link #fromSystemProperties()} builds on; empty when {@code -Dpmpd.image} names an image. */
    public static Optional<String> baseImageFromSystemProperties() {
        return System.getProperty("pmpd.image", "").isBlank()
                ? Optional.of(System.getProperty("pmpd.baseImage", DEFAULT_BASE_IMAGE))
                : Optional.empty();
    }

    /** The image's name, built now unless an image with the same content tag exists. */
    public synchronized String resolve() {
        for (Path p : List.of(dockerfile, jar, lib, fixtures)) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " does not exist; the container runner needs the packaged jar"
                        + " (./mvnw package), target/lib, the fixtures and " + dockerfile);
            }
        }
        DockerClient docker = DockerClientFactory.instance().client();
        String baseId;
        try {
            baseId = docker.inspectImageCmd(baseImage).exec().getId();
        } catch (NotFoundException e) {
            throw new IllegalStateException("base image " + baseImage + " is not on the Docker engine; build it with"
                    + " .ci/docker-up or name another with -Dpmpd.baseImage", e);
        }
        String name = REPOSITORY + ":" + contentTag(baseId);
        try {
            docker.inspectImageCmd(name).exec();
            LOG.info("decoder image {} exists; reusing it", name);
            return name;
        } catch (NotFoundException absent) {
            // built below
        }
        long start = System.nanoTime();
        String built = new ImageFromDockerfile(name, false)
                .withFileFromPath("Dockerfile", dockerfile)
                .withFileFromPath("pmpd-repro.jar", jar)
                .withFileFromPath("lib", lib)
                .withFileFromPath("fixtures", fixtures)
                .withBuildArg("BASE_IMAGE", baseImage)
                .get();
        LOG.info("built decoder image {} on {} in {} s", built, baseImage,
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        pruneOthers(docker, name);
        return built;
    }

    /**
     * Removes the runner's older decoder images (other {@code pmpd-decoder:} tags, left by earlier builds of another
     * jar or fixtures) so that repeated runs do not fill the engine's disk; one a container still uses is kept.
     * Images named with {@code -Dpmpd.image} belong to the user and are never touched.
     */
    static void pruneOthers(DockerClient docker, String keep) {
        for (Image image : docker.listImagesCmd().exec()) {
            String[] tags = image.getRepoTags();
            for (String tag : tags == null ? new String[0] : tags) {
                if (!tag.startsWith(REPOSITORY + ":") || tag.equals(keep)) {
                    continue;
                }
                try {
                    docker.removeImageCmd(tag).exec();
                    LOG.info("removed the older decoder image {}", tag);
                } catch (ConflictException inUse) {
                    LOG.info("kept the older decoder image {}: a container still uses it", tag);
                } catch (NotFoundException gone) {
                    // removed meanwhile by another run
                }
            }
        }
    }

    /** The first 16 hex digits of a SHA-256 over the base image's id and every file of the build context. */
    String contentTag(String baseImageId) {
        MessageDigest md = Hashes.sha256();
        md.update(("base " + baseImageId + "\n").getBytes(StandardCharsets.UTF_8));
        hashTree(md, "Dockerfile", dockerfile);
        hashTree(md, "pmpd-repro.jar", jar);
        hashTree(md, "lib", lib);
        hashTree(md, "fixtures", fixtures);
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    /** Names (relative, sorted) and contents, so a renamed file changes the hash as much as an edited one. */
    private static void hashTree(MessageDigest md, String label, Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = root.relativize(p).toString().replace('\\', '/');
                md.update((label + "/" + relative + " " + Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        md.update(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash the build context under " + root, e);
        }
    }
}
