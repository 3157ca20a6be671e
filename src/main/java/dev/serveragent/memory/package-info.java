/**
 * The agent's memory as the Master experiences it: search over everything stored (messages, bot
 * replies, artifact texts, notes) and the Master's durable notes ({@code remember} /
 * {@code forget}), shown to every run in the bounded "What I know" section. The SQL is in
 * {@code store/SearchRepository} and {@code store/NoteRepository}; the tools that expose this to
 * Claude Code are in {@code dev.serveragent.mcp}. See docs/MEMORY.md.
 */
package dev.serveragent.memory;
