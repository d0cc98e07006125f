using System.Security.Cryptography;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Clients;

/// <summary>
/// The browser client of clients/js: its committed build is what its TypeScript compiles to, and its own suite
/// (node's test runner, test/*.test.js) passes against real servers, one open and one that checks tokens.
/// </summary>
public sealed class JsClientTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(3);
    private static readonly string ClientDirectory = RepositoryFiles.PathOf("clients", "js");

    [Fact]
    public async Task CommittedDist_IsWhatTheTypeScriptCompilesTo()
    {
        using var temp = new TempDirectory();
        var output = temp.PathOf("dist");
        var compiler = Path.Combine(ClientDirectory, "node_modules", "typescript", "bin", "tsc");
        RequireNodeModules(compiler);

        var run = await RunAsync(["node", compiler, "-p", "tsconfig.json", "--outDir", output], new Dictionary<string, string>(), BuildTimeout);

        Assert.True(run.ExitCode == 0, $"tsc failed:\n{run.Output}");
        foreach (var file in new[] { "herald-client.js", "herald-client.d.ts" })
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(output, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(ClientDirectory, "dist", file))),
                $"clients/js/dist/{file} is not what clients/js/src compiles to: run `npm run build` in clients/js and commit dist/.");
        }
    }

    [Fact]
    public async Task NodeSuite_AgainstRealServers_Passes()
    {
        RequireNodeModules(Path.Combine(ClientDirectory, "node_modules", "typescript", "package.json"));
        var secret = RandomNumberGenerator.GetBytes(32);

        // The open server keeps a short history, so that the suite can outrun it and see a stream not recovered.
        await using var open = await HeraldTestServer.StartAsync(options => options.HistoryMaxMessages = 5);
        await using var tokens = await HeraldTestServer.StartAsync(options =>
        {
            options.Tokens.SecretBase64 = Convert.ToBase64String(secret);
            options.Tokens.ClockSkew = TimeSpan.Zero;
        });
        var environment = new Dictionary<string, string>
        {
            ["HERALD_URL"] = open.BaseAddress.ToString(),
            ["HERALD_TOKEN_URL"] = tokens.BaseAddress.ToString(),
            ["HERALD_TOKEN_SECRET"] = Convert.ToBase64String(secret),
        };

        var run = await RunAsync(["node", "--experimental-websocket", "--test", "--test-reporter=spec", "test/"], environment, SuiteTimeout);

        Assert.True(run.ExitCode == 0, $"node --test failed (exit code {run.ExitCode}):\n{run.Output}");
    }

    private static void RequireNodeModules(string path) => NodeProcess.RequireInstalled(path, "clients/js");

    private static Task<(int ExitCode, string Output)> RunAsync(string[] command, Dictionary<string, string> environment, TimeSpan timeout) =>
        NodeProcess.RunAsync(ClientDirectory, command, environment, timeout);
}
