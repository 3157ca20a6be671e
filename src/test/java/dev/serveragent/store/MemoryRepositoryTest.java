package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.MemoryRepository.ProjectUpsert;
import dev.serveragent.store.MemoryRepository.TaskUpsert;
import dev.serveragent.store.MemoryRepository.Writeback;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class MemoryRepositoryTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    final MemoryRepository memory = new MemoryRepository(db.jdbi());
    final Instant t0 = Instant.parse("2026-03-10T10:00:00Z");

    static TaskUpsert task(Long id, String title, String status) {
        return new TaskUpsert(Optional.ofNullable(id), Optional.empty(), title, Optional.empty(), Optional.ofNullable(status),
                Optional.empty(), Optional.empty());
    }

    @Test
    void tasks_are_updated_by_id_or_title_and_created_otherwise_keeping_what_an_update_leaves_out() {
        memory.writeBack(new Writeback(List.of(new ProjectUpsert("infra", Optional.of("servers"), Optional.empty())),
                List.of(new TaskUpsert(Optional.empty(), Optional.of("infra"), "upgrade postgres", Optional.of("to 17"),
                        Optional.of("todo"), Optional.of(5), Optional.empty())), List.of()), t0);
        long id = memory.openTasks(10).getFirst().id();

        memory.writeBack(new Writeback(List.of(new ProjectUpsert("infra", Optional.empty(), Optional.of("active"))),
                List.of(task(id, "upgrade postgres to 17", "in_progress"), task(null, "upgrade postgres to 17", null),
                        task(9999L, "write runbook", null)), List.of()), t0.plusSeconds(60));

        List<MemoryRepository.Task> open = memory.openTasks(10);
        assertThat(open).extracting(MemoryRepository.Task::title).containsExactly("upgrade postgres to 17", "write runbook");
        MemoryRepository.Task upgraded = open.getFirst();
        assertThat(upgraded.id()).isEqualTo(id);
        assertThat(upgraded.status()).isEqualTo("in_progress");
        assertThat(upgraded.priority()).isEqualTo(5);
        assertThat(upgraded.description()).contains("to 17");
        assertThat(upgraded.project()).contains("infra");
        assertThat(memory.activeProjects(10)).singleElement().satisfies(p -> assertThat(p.description()).contains("servers"));
    }

    @Test
    void notes_come_back_newest_first_by_kind() {
        memory.addNote(new MemoryRepository.NewNote("aroma", "first", Map.of()), t0);
        memory.addNote(new MemoryRepository.NewNote("aroma", "second", Map.of("cycle_id", 2)), t0.plusSeconds(1));
        memory.addNote(new MemoryRepository.NewNote("cycle_summary", "s", Map.of()), t0.plusSeconds(2));
        assertThat(memory.latestNotes("aroma", 5)).extracting(MemoryRepository.Note::content).containsExactly("second", "first");
        assertThat(memory.latestNotes("aroma", 1)).extracting(MemoryRepository.Note::content).containsExactly("second");
    }
}
