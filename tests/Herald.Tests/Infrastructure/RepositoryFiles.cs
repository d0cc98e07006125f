namespace Herald.Tests.Infrastructure;

/// <summary>The repository the tests were built from, for the tests that read its sources and docs.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository's root, where Herald.slnx is.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path from the repository's root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The lines of a file, by its path from the repository's root.</summary>
    public static IEnumerable<string> ReadLines(string path) => File.ReadLines(Path.Combine(Root, path));

    private static string FindRoot()
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
