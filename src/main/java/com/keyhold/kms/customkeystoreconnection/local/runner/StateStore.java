package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The state folder (default {@code .keyhold/}):
 * <pre>
 * stacks/&lt;stack&gt;/stack.json            StackState: template, parameters, resources, status, in-flight operation
 * stacks/&lt;stack&gt;/events.json           every stack event, oldest first
 * stacks/&lt;stack&gt;/changesets/&lt;cs&gt;.json  pending and executed change sets
 * stacks/&lt;stack&gt;/.lock                 held while a command changes the stack
 * emulator/state.json                  the in-process emulator's key stores and SSM parameters
 * emulator/clock.json                  the in-process emulator's emulated time
 * handler.log                          what the handlers logged
 * </pre>
 * Every file is written to a temporary file and renamed, so a crash leaves either the old or the new version.
 */
public final class StateStore {
    /** CloudFormation's rule for stack and change set names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][-A-Za-z0-9]{0,127}");
    private static final int MAX_EVENTS = 2000;

    private final Path dir;

    public StateStore(final Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public static String checkName(final String what, final String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UsageException(what + " '" + name + "' is not valid: it must start with a letter and contain "
                + "only letters, digits and hyphens (at most 128 characters)");
        }
        return name;
    }

    private Path stackDir(final String stack) {
        return dir.resolve("stacks").resolve(stack);
    }

    /** The stack, or empty when there is none; a damaged stack.json is a {@link DamagedStateException}. */
    public Optional<StackState> load(final String stack) {
        final Path file = stackDir(stack).resolve("stack.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), StackState.class));
        } catch (IOException e) {
            throw new DamagedStateException(damaged(stack, file, e), e);
        }
    }

    /**
     * Moving a damaged stack.json away would orphan the stack: its key stores' ownership records name it, and no
     * command could delete or release them. The advice is to put the previous version back, or to repair the file.
     */
    private String damaged(final String stack, final Path file, final IOException e) {
        final String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
            : e.toString();
        final StringBuilder m = new StringBuilder("stack " + stack + ": " + file + " cannot be read ("
            + why.lines().findFirst().orElse(why) + "). Do not move or delete it: the key stores of the stack keep "
            + "ownership records that name it");
        final java.util.Map<String, String> resources = new java.util.TreeMap<>();
        try {
            for (StackEvent event : events(stack)) {
                if (event.physicalId != null && !RunnerContext.STACK_TYPE.equals(event.resourceType)) {
                    if ("DELETE_COMPLETE".equals(event.status)) {
                        resources.remove(event.logicalId);
                    } else {
                        resources.put(event.logicalId, event.physicalId);
                    }
                }
            }
        } catch (UncheckedIOException unreadable) {
            // the events cannot help either; the advice below still holds
        }
        if (!resources.isEmpty()) {
            m.append(" (its resources, from its events: ").append(String.join(", ", resources.entrySet().stream()
                .map(r -> r.getKey() + " " + r.getValue()).toList())).append(')');
        }
        m.append(", and without this file no command could delete the stack or release them. ");
        final Path previous = previousVersion(file);
        if (Files.exists(previous)) {
            m.append("The version before its last write is ").append(previous).append(": put it back (cp ")
                .append(previous).append(' ').append(file).append("), then run keyhold describe-stacks --stack-name ")
                .append(stack).append(" (an operation it shows in progress continues with keyhold recover-stack).");
        } else {
            m.append("Repair it by hand (the events in ").append(file.resolveSibling("events.json"))
                .append(" name every resource and its physical id).");
        }
        return m.append(" The other stacks are not affected.").toString();
    }

    private static Path previousVersion(final Path file) {
        return file.resolveSibling(file.getFileName() + ".previous");
    }

    /** Keeps the version it replaces as stack.json.previous: the way back if the new one is ever damaged. */
    public void save(final StackState state) {
        final Path file = stackDir(state.stackName).resolve("stack.json");
        if (Files.exists(file)) {
            try {
                // With its owner-only permissions: it holds NoEcho values as stack.json does.
                Files.copy(file, previousVersion(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + previousVersion(file) + ": " + e.getMessage(), e);
            }
        }
        Json.writeAtomically(file, state);
    }

    public List<String> stackNames() {
        final Path stacks = dir.resolve("stacks");
        if (!Files.isDirectory(stacks)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(stacks)) {
            return list.filter(p -> Files.exists(p.resolve("stack.json"))).map(p -> p.getFileName().toString())
                .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<StackEvent> events(final String stack) {
        final Path file = stackDir(stack).resolve("events.json");
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<List<StackEvent>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public void appendEvent(final String stack, final StackEvent event) {
        final List<StackEvent> events = events(stack);
        events.add(event);
        if (events.size() > MAX_EVENTS) {
            events.subList(0, events.size() - MAX_EVENTS).clear();
        }
        Json.writeAtomically(stackDir(stack).resolve("events.json"), events);
    }

    public Optional<ChangeSet> changeSet(final String stack, final String name) {
        final Path file = stackDir(stack).resolve("changesets").resolve(name + ".json");
        return Files.exists(file) ? Optional.of(Json.read(file, ChangeSet.class)) : Optional.empty();
    }

    public List<ChangeSet> changeSets(final String stack) {
        final Path folder = stackDir(stack).resolve("changesets");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.toString().endsWith(".json")).sorted()
                .map(p -> Json.read(p, ChangeSet.class)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void save(final ChangeSet changeSet) {
        Json.writeAtomically(stackDir(changeSet.stackName).resolve("changesets")
            .resolve(changeSet.changeSetName + ".json"), changeSet);
    }

    /** After an execution, CloudFormation deletes the stack's other change sets; so does the runner. */
    public void deleteChangeSetsExcept(final String stack, final String keep) {
        for (ChangeSet cs : changeSets(stack)) {
            if (!cs.changeSetName.equals(keep)) {
                deleteQuietly(stackDir(stack).resolve("changesets").resolve(cs.changeSetName + ".json"));
            }
        }
    }

    /** After DELETE_COMPLETE: the stack is gone, as in CloudFormation's default stack listing. */
    public void deleteStack(final String stack) {
        final Path folder = stackDir(stack);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> !p.getFileName().toString().equals(".lock"))
                .forEach(StateStore::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(final Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover file or folder is harmless; the next command overwrites it
        }
    }

    /**
     * Holds the stack's lock file while a command changes it. The operating system releases it when the process
     * dies, so an IN_PROGRESS status whose lock is free means the process that set it is gone.
     */
    public Lock lock(final String stack) {
        try {
            final Path file = stackDir(stack).resolve(".lock");
            Files.createDirectories(file.getParent());
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new OperationFailedException("another keyhold command is working on stack " + stack + " right now "
                    + "(it holds " + file + "); wait for it to finish, or watch it with keyhold describe-stack-events "
                    + "--stack-name " + stack);
            }
            return new Lock(channel, lock, folderOf(stack));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock stack " + stack + ": " + e.getMessage(), e);
        }
    }

    /** Whether another command (in this process or another) holds the stack's lock right now. */
    public boolean busy(final String stack) {
        final Path file = stackDir(stack).resolve(".lock");
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            final FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path folderOf(final String stack) {
        return stackDir(stack);
    }

    /** A held stack lock; closing releases it and removes the folder if the stack was deleted meanwhile. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;
        private final Path folder;

        Lock(final FileChannel channel, final FileLock lock, final Path folder) {
            this.channel = channel;
            this.lock = lock;
            this.folder = folder;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
                if (!Files.exists(folder.resolve("stack.json"))) {
                    deleteQuietly(folder.resolve(".lock"));
                    deleteQuietly(folder);
                }
            } catch (IOException e) {
                // released by the operating system at exit anyway
            }
        }
    }
}
