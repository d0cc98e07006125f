using System.Text.RegularExpressions;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Architecture;

/// <summary>
/// The dependency rule of CONTRIBUTING.md, checked over the source tree: each folder of src/Herald uses only the
/// folders below it in <see cref="Layers"/>. A type counts as used when its name appears in code (comments and
/// strings aside), which also catches the root namespace's types that no using directive names.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Lowest first; "" is the folder itself (the public contract: options, the hub interface, its records).</summary>
    private static readonly string[] Layers =
        ["Diagnostics", "", "WebSockets", "Streams", "Routing", "Delivery", "Protocol", "Auth", "Api", "Connections", "Sockets", "Hosting"];

    [Fact]
    public void SourceFolders_UseOnlyTheLayersBelowThem()
    {
        var files = SourceFiles();
        var owners = DeclaredTypes(files);
        var violations = new List<string>();
        foreach (var (folder, path, code) in files)
        {
            foreach (Match match in Identifier().Matches(code))
            {
                if (owners.TryGetValue(match.Value, out var owner) && owner != folder && Rank(owner) > Rank(folder))
                {
                    violations.Add($"{Path.GetFileName(path)} in {Show(folder)} uses {match.Value} from {Show(owner)}, a higher layer");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Distinct()));
    }

    [Fact]
    public void SourceFolders_AreAllInTheLayerOrder()
    {
        var folders = SourceFiles().Select(file => file.Folder).Distinct();

        Assert.All(folders, folder => Assert.Contains(folder, Layers));
    }

    [Fact]
    public void DeclaredTypes_FindTheLayersTypes()
    {
        var owners = DeclaredTypes(SourceFiles());

        // A broken scan would pass the rule above vacuously.
        Assert.Equal("WebSockets", owners["WebSocketConnection"]);
        Assert.Equal("Streams", owners["StreamSubscriber"]);
        Assert.Equal("Protocol", owners["HeraldV1Session"]);
        Assert.Equal("", owners["HeraldOptions"]);
        Assert.True(owners.Count > 60, $"found only {owners.Count} types");
    }

    private static int Rank(string folder) => Array.IndexOf(Layers, folder);

    private static string Show(string folder) => folder.Length == 0 ? "src/Herald itself" : $"{folder}/";

    private static List<(string Folder, string Path, string Code)> SourceFiles()
    {
        var root = RepositoryFiles.PathOf("src", "Herald");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(root, path)))
            .Select(path =>
            {
                var relative = Path.GetRelativePath(root, path);
                var folder = relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? relative[..relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)] : "";
                return (folder, path, WithoutCommentsAndStrings(File.ReadAllText(path)));
            })
            .ToList();
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Every top-level type name and the folder that declares it (nested types, such as each file's Log, excluded).</summary>
    private static Dictionary<string, string> DeclaredTypes(List<(string Folder, string Path, string Code)> files)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (folder, _, code) in files)
        {
            foreach (Match match in TopLevelDeclaration().Matches(code))
            {
                owners[match.Groups["name"].Value] = folder;
            }
        }

        return owners;
    }

    private static string WithoutCommentsAndStrings(string code) => CommentOrString().Replace(code, " ");

    // Top-level declarations start at the beginning of a line (file-scoped namespaces, no indentation).
    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|readonly|partial|file|ref)\s+)+(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+(?<name>[A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    // Line and block comments, raw, verbatim, interpolated and plain strings, and character literals.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|\$?""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
