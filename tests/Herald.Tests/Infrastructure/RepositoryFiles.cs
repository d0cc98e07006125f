namespace Herald.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from, for tests that check the docs against the code.</summary>
public static class RepositoryFiles
{
    /// <summary>The lines of a file, by its path from the repository's root (where Herald.slnx is).</summary>
    public static IEnumerable<string> ReadLines(string path) => File.ReadLines(Path.Combine(Root(), path));

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Herald.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Herald.slnx above {AppContext.BaseDirectory}");
    }
}
