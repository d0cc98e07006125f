namespace Herald.Tests.Infrastructure;

/// <summary>A new directory under the system's temporary directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("herald-tests-");

    public string PathOf(string fileName) => Path.Combine(_directory.FullName, fileName);

    public void Dispose() => _directory.Delete(recursive: true);
}
