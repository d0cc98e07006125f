using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Packaging;

/// <summary>
/// The NuGet packages as <c>dotnet pack</c> makes them, from the assemblies this test run already built
/// (<c>--no-build</c>, a second or two): their metadata, README and files.
/// </summary>
public sealed partial class PackageTests
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Herald", "aspnetcore")]
    [InlineData("Herald.Client", "client")]
    [InlineData("Herald.Redis", "redis")]
    public async Task Pack_Library_HasItsMetadataReadmeAndAssembly(string id, string tag)
    {
        using var output = new TempDirectory();
        var version = VersionPrefix();

        var (exitCode, log) = await PackAsync(RepositoryFiles.PathOf("src", id, $"{id}.csproj"), output.PathOf(""));

        Assert.True(exitCode == 0, log);
        Assert.DoesNotContain("warning", log, StringComparison.OrdinalIgnoreCase);
        using var package = ZipFile.OpenRead(output.PathOf($"{id}.{version}.nupkg"));
        var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!;
        var metadata = nuspec.Element(nuspec.Name.Namespace + "metadata")!;
        XElement Field(string name) => metadata.Element(nuspec.Name.Namespace + name) ?? throw new Xunit.Sdk.XunitException($"the nuspec has no <{name}>:\n{nuspec}");

        Assert.Equal((id, version, "Herald contributors"), (Field("id").Value, Field("version").Value, Field("authors").Value));
        Assert.Equal(("expression", "MIT"), (Field("license").Attribute("type")?.Value, Field("license").Value));
        Assert.StartsWith("Herald", Field("description").Value, StringComparison.Ordinal);
        Assert.Contains(tag, Field("tags").Value.Split(' '));
        Assert.Contains("websocket", Field("tags").Value.Split(' '));
        Assert.Equal("git", Field("repository").Attribute("type")?.Value);
        Assert.Matches(CommitId(), Field("repository").Attribute("commit")?.Value ?? "");
        Assert.Equal("README.md", Field("readme").Value);
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            Assert.Equal(await File.ReadAllTextAsync(RepositoryFiles.PathOf("src", id, "README.md"), TestContext.Current.CancellationToken), await readme.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        Assert.True(File.Exists(output.PathOf($"{id}.{version}.snupkg")), "no symbol package");
    }

    [Fact]
    public void License_OfTheRepository_IsTheMitLicenseThePackagesDeclare()
    {
        Assert.StartsWith("MIT License", File.ReadAllText(RepositoryFiles.PathOf("LICENSE")), StringComparison.Ordinal);
    }

    /// <summary>The one version of every package, from Directory.Build.props.</summary>
    [Fact]
    public void NpmPackage_OfTheBrowserClient_HasTheSameVersionAndLicenseAsTheNuGetPackages()
    {
        using var package = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("clients", "js", "package.json")));

        Assert.Equal(VersionPrefix(), package.RootElement.GetProperty("version").GetString());
        Assert.Equal("MIT", package.RootElement.GetProperty("license").GetString());
    }

    private static string VersionPrefix() =>
        XDocument.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    private static async Task<(int ExitCode, string Log)> PackAsync(string project, string outputFolder)
    {
        var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // No build servers: a node left running would hold the output pipes open, and this wait with them.
        foreach (var argument in new[] { "pack", project, "--no-build", "--disable-build-servers", "-c", configuration, "-o", outputFolder, "-nologo" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(PackTimeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await standardOutput + await standardError);
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitId();
}
