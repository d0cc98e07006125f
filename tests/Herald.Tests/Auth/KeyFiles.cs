namespace Herald.Tests.Auth;

/// <summary>A temporary folder for the key files a test writes, removed with it.</summary>
internal sealed class KeyFiles : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("herald-tokens-");

    public string Folder => _directory.FullName;

    /// <returns>The file's full path.</returns>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
