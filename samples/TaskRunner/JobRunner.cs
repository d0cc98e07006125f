using System.Threading.Channels;
using Herald.Client;

namespace TaskRunner;

/// <summary>
/// Runs queued jobs one after another and tells the user who started each one how far it got. This is the
/// business logic Herald stays out of: it only carries the progress messages.
/// </summary>
internal sealed partial class JobRunner(Channel<Job> jobs, JobBoard board, HeraldPublisher herald, ILogger<JobRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in jobs.Reader.ReadAllAsync(stoppingToken))
        {
            for (var step = 1; step <= job.Steps; step++)
            {
                await Task.Delay(job.StepDuration, stoppingToken);
                board.Update(job, step);
                await ReportAsync(job, step, stoppingToken);
            }
        }
    }

    private async Task ReportAsync(Job job, int step, CancellationToken cancellationToken)
    {
        // Keyed by job: a tab that falls behind gets the latest step instead of a backlog, and the idempotency key
        // makes a retried report (after a timeout, say) land once.
        var progress = HeraldPublication.Json(new JobProgress(job.Id, step, job.Steps, step == job.Steps), SampleJsonContext.Default.JobProgress) with
        {
            Users = [job.Uid],
            Key = $"job-{job.Id}",
            IdempotencyKey = $"job-{job.Id}-step-{step}",
        };
        try
        {
            var result = await herald.PublishAsync(progress, cancellationToken);
            Log.Reported(logger, job.Id, step, job.Steps, job.Uid, result.Delivered);
        }
        catch (Exception exception) when (exception is HeraldApiException or HttpRequestException)
        {
            // The job goes on: a progress report that cannot be pushed is not a reason to stop the work, and the
            // board still has it for the page. One line: the reason is in the message, a stack trace adds nothing.
            Log.ReportFailed(logger, job.Id, step, job.Uid, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job {Job}: step {Step}/{Of} reported to user {Uid} on {Delivered} connections")]
        public static partial void Reported(ILogger logger, string job, int step, int of, string uid, int delivered);

        [LoggerMessage(2, LogLevel.Warning, "Job {Job}: step {Step} could not be reported to user {Uid}: {Reason}")]
        public static partial void ReportFailed(ILogger logger, string job, int step, string uid, string reason);
    }
}
