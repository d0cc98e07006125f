using System.Collections.Concurrent;

namespace TaskRunner;

/// <summary>
/// The backend's own record of every user's recent jobs and how far each got: the truth a page reloads from
/// (after a reload, after a job ended, after Herald restarted), while Herald only carries the changes live.
/// </summary>
internal sealed class JobBoard
{
    // A user's most recent jobs are enough for the page; older ones are forgotten.
    private const int JobsPerUser = 10;

    private readonly ConcurrentDictionary<string, List<JobStatus>> _byUser = new(StringComparer.Ordinal);

    public void Add(Job job, DateTimeOffset startedAt)
    {
        var jobs = _byUser.GetOrAdd(job.Uid, static _ => []);
        lock (jobs)
        {
            jobs.Insert(0, new JobStatus(job.Id, 0, job.Steps, Done: false, startedAt));
            if (jobs.Count > JobsPerUser)
            {
                jobs.RemoveAt(jobs.Count - 1);
            }
        }
    }

    public void Update(Job job, int step)
    {
        if (!_byUser.TryGetValue(job.Uid, out var jobs))
        {
            return;
        }

        lock (jobs)
        {
            var index = jobs.FindIndex(status => status.Job == job.Id);
            if (index >= 0)
            {
                jobs[index] = jobs[index] with { Step = step, Done = step == job.Steps };
            }
        }
    }

    /// <summary>The user's recent jobs, newest first.</summary>
    public JobStatus[] ForUser(string uid)
    {
        if (!_byUser.TryGetValue(uid, out var jobs))
        {
            return [];
        }

        lock (jobs)
        {
            return [.. jobs];
        }
    }
}
