namespace TaskRunner;

/// <summary>A long job that a user started: its steps are reported to that user as they finish.</summary>
internal sealed record Job(string Id, string Uid, int Steps, TimeSpan StepDuration);

/// <summary>What the page posts to start a job.</summary>
internal sealed record JobRequest(string Uid, int Steps = 10, int StepMilliseconds = 500);

/// <summary>The answer to a started job.</summary>
internal sealed record JobAccepted(string Job);

/// <summary>One progress report, sent through Herald as the text of one WebSocket message.</summary>
internal sealed record JobProgress(string Job, int Step, int Of, bool Done);

/// <summary>Where a job stands, as the backend knows it: what the page shows after a reload.</summary>
internal sealed record JobStatus(string Job, int Step, int Of, bool Done, DateTimeOffset StartedAt);

/// <summary>The answer to a user's status call: their recent jobs, newest first.</summary>
internal sealed record UserJobs(JobStatus[] Jobs);

/// <summary>What the page needs to know: where Herald's WebSocket is, and Herald's browser client.</summary>
internal sealed record SampleConfig(string HeraldWebSocket, string HeraldClientScript);
