namespace TaskRunner;

/// <summary>A long job that a user started: its steps are reported to that user as they finish.</summary>
internal sealed record Job(string Id, string Uid, int Steps, TimeSpan StepDuration);

/// <summary>What the page posts to start a job.</summary>
internal sealed record JobRequest(string Uid, int Steps = 10, int StepMilliseconds = 500);

/// <summary>The answer to a started job.</summary>
internal sealed record JobAccepted(string Job);

/// <summary>One progress report, sent through Herald as the text of one WebSocket message.</summary>
internal sealed record JobProgress(string Job, int Step, int Of, bool Done);

/// <summary>What the page needs to know: where Herald's WebSocket is.</summary>
internal sealed record SampleConfig(string HeraldWebSocket);
