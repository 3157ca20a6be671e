package dev.serveragent.config;

import java.nio.file.Path;

/**
 * The whole configuration: one immutable record per capability, each validated when built.
 * Building it is the only place environment names are read. {@code files} says where the
 * {@code .env} files are, so that hints name the real path.
 */
public record AppConfig(
        Path dataDir,
        HttpConfig http,
        DatabaseConfig database,
        TelegramConfig telegram,
        AnthropicConfig anthropic,
        ClaudeCodeConfig claudeCode,
        ApprovalConfig approval,
        ProactiveConfig proactive,
        TranscribeConfig transcribe,
        MinioConfig minio,
        ReactiveConfig reactive,
        DeployConfig deploy,
        ReportConfig report,
        AgendaConfig agenda,
        ConfigFiles files) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public static AppConfig from(Settings s) {
        // Relative to the directory of the .env files (the working directory when run from the command line).
        Path dataDir = s.files().dir().resolve(s.path("DATA_DIR", DEFAULT_DATA_DIR)).normalize();
        AnthropicConfig anthropic = AnthropicConfig.from(s);
        ClaudeCodeConfig claudeCode = ClaudeCodeConfig.from(s, dataDir);
        boolean claudeConfigured = claudeCode.oauthToken().isPresent() || anthropic.apiKey().isPresent();
        return new AppConfig(
                dataDir,
                HttpConfig.from(s),
                DatabaseConfig.from(s, dataDir),
                TelegramConfig.from(s),
                anthropic,
                claudeCode,
                ApprovalConfig.from(s),
                ProactiveConfig.from(s, claudeConfigured),
                TranscribeConfig.from(s),
                MinioConfig.from(s),
                ReactiveConfig.from(s),
                DeployConfig.from(s, dataDir),
                ReportConfig.from(s),
                AgendaConfig.from(s),
                s.files());
    }
}
